//! Which union a worker's application goes to: the feed's unions, ordered for them.

use crate::feed::Union;

/// Unions for the form: those serving the occupation and the regions near the user
/// first (marked suggested), then the rest, each group by name.
pub fn order_unions(
    unions: &[Union],
    occupation: &str,
    near_regions: &[String],
) -> Vec<(Union, bool)> {
    let score = |u: &Union| {
        let occ = !occupation.is_empty() && u.occupations.iter().any(|o| o == occupation);
        let near = u.region.as_ref().is_some_and(|r| near_regions.contains(r));
        u8::from(occ) + u8::from(near)
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
                ("a-far-courier".into(), false),
                ("b-near-sanitation".into(), false)
            ]
        );
        assert_eq!(ids("sanitation")[0], ("b-near-sanitation".into(), true));
        // No occupation yet: the near ones first, both suggested.
        let none = ids("");
        assert_eq!(none[2], ("a-far-courier".into(), false));
        assert!(none[0].1 && none[1].1);
    }
}
