//! The desk's words for the feed's vocabularies, Chinese first, English second: what
//! the clerk reads on the page and in the sheet. (The worker's app has its own words in
//! `src/i18n`; the desk is a separate program with its own readers, the clerks, and the
//! app's crate is wasm-only, so these tables are the desk's, the same words as there.)

/// The page's language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// `zh` or `en` from a query or cookie value; Chinese for anything else.
    pub fn from_code(code: &str) -> Lang {
        if code.eq_ignore_ascii_case("en") {
            Lang::En
        } else {
            Lang::Zh
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The Chinese or the English of a pair.
    pub fn pick(self, zh: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// An occupation word (FEED.md `occupations`) in words; an unknown word as it is.
pub fn occupation(lang: Lang, word: &str) -> String {
    let (zh, en) = match word {
        "courier" => ("快递员", "Courier"),
        "rider" => ("外卖骑手", "Delivery rider"),
        "sanitation" => ("环卫工人", "Sanitation worker"),
        "taxi" => ("出租车司机", "Taxi driver"),
        "ride_hailing" => ("网约车司机", "Ride-hailing driver"),
        "truck" => ("货车司机", "Truck driver"),
        "police" => ("交警", "Traffic police"),
        "other" => ("其他", "Other"),
        other => return other.to_string(),
    };
    lang.pick(zh, en).to_string()
}

/// A request kind in words.
pub fn kind(lang: Lang, kind: &str) -> &'static str {
    match kind {
        "join" => lang.pick("入会", "Join"),
        "transfer" => lang.pick("转会", "Transfer"),
        "card" => lang.pick("会员证", "Card"),
        "claim" => lang.pick("领券", "Coupon claim"),
        "report" => lang.pick("站点报告", "Station report"),
        "redeem" => lang.pick("核销", "Redemption"),
        "supplement" => lang.pick("补充材料", "Supplement"),
        _ => lang.pick("其他", "Other"),
    }
}

/// A decision (`statuses[].state`) in words. A station report's outcomes have their
/// own words: 已核实并更新 / 无法核实.
pub fn decision(lang: Lang, decision: &str, report: bool) -> &'static str {
    match (decision, report) {
        ("approved", true) => lang.pick("已核实并更新", "Checked and updated"),
        ("rejected", true) => lang.pick("无法核实", "Could not be checked"),
        ("approved", false) => lang.pick("通过", "Approved"),
        ("needs_info", _) => lang.pick("需补充材料", "Needs information"),
        ("rejected", false) => lang.pick("不通过", "Rejected"),
        ("received", _) => lang.pick("待处理", "Waiting"),
        _ => lang.pick("其他", "Other"),
    }
}

/// The sheet's decision words, Chinese, then the English an older sheet holds: each
/// `(word, decision)`.
pub const DECISION_WORDS: [(&str, &str); 6] = [
    ("通过", "approved"),
    ("需补充材料", "needs_info"),
    ("不通过", "rejected"),
    ("approved", "approved"),
    ("needs_info", "needs_info"),
    ("rejected", "rejected"),
];

/// A decision as the sheet or the page writes it (通过, 需补充材料, 不通过, or the
/// English words), as the desk records it; `None` for any other word.
pub fn decision_word(word: &str) -> Option<&'static str> {
    DECISION_WORDS
        .iter()
        .find(|(w, _)| *w == word)
        .map(|(_, d)| *d)
}

/// A report's problem word in words.
pub fn problem(lang: Lang, word: &str) -> String {
    let (zh, en) = match word {
        "closed_when_open" => ("该开门时没开", "Closed when it should be open"),
        "service_missing" => ("缺少写着的服务", "A listed service is missing"),
        "moved" => ("地址变了或找不到", "Moved, or cannot be found"),
        "other" => ("其他问题", "Something else"),
        other => return other.to_string(),
    };
    lang.pick(zh, en).to_string()
}

/// An RFC 3339 time (the intake's UTC, the desk's China time) as Beijing time
/// "2026-11-23 06:10"; as it is when it does not read.
pub fn beijing(time: &str) -> String {
    yizhan_core::time::published_text(time).unwrap_or_else(|| time.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_beijing_time_and_words_are_chinese_first() {
        // 06:10 in Beijing is 22:10 UTC the day before.
        assert_eq!(beijing("2026-11-22T22:10:00Z"), "2026-11-23 06:10");
        assert_eq!(beijing("2026-11-23T06:10:00+08:00"), "2026-11-23 06:10");
        assert_eq!(beijing("soon"), "soon");
        assert_eq!(occupation(Lang::Zh, "courier"), "快递员");
        assert_eq!(occupation(Lang::En, "courier"), "Courier");
        assert_eq!(occupation(Lang::Zh, "drone_pilot"), "drone_pilot");
        assert_eq!(decision(Lang::Zh, "approved", true), "已核实并更新");
        assert_eq!(decision(Lang::Zh, "rejected", false), "不通过");
        assert_eq!(Lang::from_code("EN"), Lang::En);
        assert_eq!(Lang::from_code("fr"), Lang::Zh);
    }
}
