//! The Chinese hours corpus (`tests/data/hours_zh_corpus.tsv`, phrasings as station
//! sheets write them): each is read into the FEED.md subset it says, or, marked `~`,
//! refused (and then published as the union's own words). `cargo test -p yizhan-feed
//! --test hours_zh_corpus -- --nocapture` prints how many of each.

use yizhan_core::hours::OpeningHours;
use yizhan_feed::import::hours_zh::hours_from_chinese;

#[test]
fn every_phrasing_of_the_corpus_reads_as_written_down() {
    let corpus = include_str!("data/hours_zh_corpus.tsv");
    let (mut exact, mut verbatim, mut wrong) = (0, 0, Vec::new());
    for line in corpus
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let (zh, expected) = line.split_once('\t').expect("phrase<TAB>hours");
        let got = hours_from_chinese(zh);
        match (expected, &got) {
            ("~", Err(_)) => verbatim += 1,
            (hours, Ok(h)) if h == hours => {
                assert!(OpeningHours::parse(h).is_ok(), "{h}");
                exact += 1;
            }
            _ => wrong.push(format!("{zh}: expected {expected}, got {got:?}")),
        }
    }
    println!(
        "{} phrasings: {exact} read exactly, {verbatim} kept as the union's words",
        exact + verbatim
    );
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert!(
        exact + verbatim >= 200,
        "the corpus holds at least 200 phrasings"
    );
}
