//! Which union a worker's application goes to: the feed's unions, ordered for them.

use crate::feed::Union;

/// Unions for the form: those of the worker's place (`place_regions`: the regions
/// near their position, or the city they chose) first, those serving their occupation
/// first among them, then the rest, each group by name. Only a union of the place is
/// ever suggested: with no place known nothing is (an occupation alone once suggested
/// another city's union, and a Liaocheng courier was approved by Shanghai's).
/// `order_unions(&unions, "courier", &["371500".into()])`.
pub fn order_unions(
    unions: &[Union],
    occupation: &str,
    place_regions: &[String],
) -> Vec<(Union, bool)> {
    let score = |u: &Union| {
        let occ = !occupation.is_empty() && u.occupations.iter().any(|o| o == occupation);
        let here = u.region.as_ref().is_some_and(|r| place_regions.contains(r));
        2 * u8::from(here) + u8::from(here && occ)
    };
    let mut list: Vec<(Union, u8)> = unions.iter().map(|u| (u.clone(), score(u))).collect();
    crate::sort::sort_by(&mut list, |a, b| {
        b.1.cmp(&a.1).then_with(|| a.0.name.cmp(&b.0.name))
    });
    let best = list.first().map_or(0, |x| x.1);
    list.into_iter()
        .map(|(u, s)| (u, best > 0 && s == best))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn union(id: &str, region: &str, occupations: &[&str]) -> Union {
        Union {
            id: id.into(),
            name: id.into(),
            region: Some(region.into()),
            kind: None,
            occupations: occupations.iter().map(|o| o.to_string()).collect(),
            address: None,
            phone: None,
            answer_days: None,
        }
    }

    #[test]
    fn unions_for_the_occupation_near_the_user_come_first() {
        let unions = [
            union("a-far-courier", "110000", &["courier"]),
            union("b-near-sanitation", "371500", &["sanitation"]),
            union("c-near-courier", "371500", &["courier", "rider"]),
        ];
        let near = ["371500".to_string()];
        let ids = |o: &str| -> Vec<(String, bool)> {
            order_unions(&unions, o, &near)
                .into_iter()
                .map(|(u, s)| (u.id, s))
                .collect()
        };
        assert_eq!(
            ids("courier"),
            [
                ("c-near-courier".into(), true),
                ("b-near-sanitation".into(), false),
                ("a-far-courier".into(), false)
            ]
        );
        assert_eq!(ids("sanitation")[0], ("b-near-sanitation".into(), true));
        // No occupation yet: the near ones first, both suggested.
        let none = ids("");
        assert_eq!(none[2], ("a-far-courier".into(), false));
        assert!(none[0].1 && none[1].1);
    }

    #[test]
    fn with_no_place_known_nothing_is_suggested_whatever_the_occupation() {
        // A 环卫 worker in Liaocheng on a direct /join visit: no position, no city.
        let unions = [
            union("taiyuan-sanitation", "140100", &["sanitation"]),
            union("shanghai-express", "310000", &["courier"]),
            union("liaocheng-sanitation", "371500", &["sanitation"]),
        ];
        for occupation in ["sanitation", "courier", ""] {
            assert!(
                order_unions(&unions, occupation, &[])
                    .iter()
                    .all(|(_, suggested)| !suggested),
                "{occupation}"
            );
        }
        // The city chosen: its union, and only it.
        let chosen = order_unions(&unions, "sanitation", &["371500".into()]);
        assert_eq!(chosen[0].0.id, "liaocheng-sanitation");
        assert!(chosen[0].1 && !chosen[1].1 && !chosen[2].1);
        // An occupation no union of the place serves: the place's unions still first.
        let courier = order_unions(&unions, "courier", &["371500".into()]);
        assert_eq!(
            (courier[0].0.id.as_str(), courier[0].1),
            ("liaocheng-sanitation", true)
        );
        assert!(
            !courier[1].1,
            "another city's courier union is not suggested"
        );
    }
}
