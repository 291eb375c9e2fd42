//! A sheet's services cell ("饮水、热饭、手机充电", "water|microwave") as the feed's
//! service words (FEED.md). Feed words are taken as they are; a Chinese word is the
//! service of the first key word it contains (换电 before 充电: a battery swap is not
//! a charger); a word none matches is kept as it is and reported.

use yizhan_core::vocab::Service;

/// Key words, most specific first.
const KEYS: &[(&str, Service)] = &[
    ("换电", Service::BatterySwap),
    ("电池更换", Service::BatterySwap),
    ("更换电池", Service::BatterySwap),
    ("充电", Service::Charging),
    ("热饭", Service::Microwave),
    ("微波", Service::Microwave),
    ("加热", Service::Microwave),
    ("热餐", Service::Microwave),
    ("爱心餐", Service::Meals),
    ("爱心午餐", Service::Meals),
    ("用餐", Service::Meals),
    ("就餐", Service::Meals),
    ("午餐", Service::Meals),
    ("饭菜", Service::Meals),
    ("食堂", Service::Meals),
    ("餐食", Service::Meals),
    ("冰箱", Service::Fridge),
    ("冷藏", Service::Fridge),
    ("饮水", Service::Water),
    ("饮用水", Service::Water),
    ("热水", Service::Water),
    ("开水", Service::Water),
    ("喝水", Service::Water),
    ("茶水", Service::Water),
    ("凉茶", Service::Water),
    ("纯净水", Service::Water),
    ("矿泉水", Service::Water),
    ("如厕", Service::Toilet),
    ("厕所", Service::Toilet),
    ("卫生间", Service::Toilet),
    ("洗手间", Service::Toilet),
    ("公厕", Service::Toilet),
    ("淋浴", Service::Shower),
    ("洗澡", Service::Shower),
    ("沐浴", Service::Shower),
    ("休息", Service::Rest),
    ("歇脚", Service::Rest),
    ("休憩", Service::Rest),
    ("座椅", Service::Rest),
    ("桌椅", Service::Rest),
    ("沙发", Service::Rest),
    ("空调", Service::Ac),
    ("取暖", Service::Ac),
    ("暖气", Service::Ac),
    ("纳凉", Service::Ac),
    ("避暑", Service::Ac),
    ("降温", Service::Ac),
    ("药箱", Service::FirstAid),
    ("医药", Service::FirstAid),
    ("急救", Service::FirstAid),
    ("常用药", Service::FirstAid),
    ("药品", Service::FirstAid),
    ("打气", Service::Pump),
    ("充气", Service::Pump),
    ("维修", Service::Pump),
    ("修车", Service::Pump),
    ("工具", Service::Pump),
    ("雨具", Service::Umbrella),
    ("雨伞", Service::Umbrella),
    ("雨衣", Service::Umbrella),
    ("借伞", Service::Umbrella),
    ("书屋", Service::Books),
    ("图书", Service::Books),
    ("阅读", Service::Books),
    ("书籍", Service::Books),
    ("读书", Service::Books),
    ("无线网", Service::Wifi),
    ("上网", Service::Wifi),
    ("网络", Service::Wifi),
    ("wifi", Service::Wifi),
    ("无障碍", Service::Accessible),
];

/// The services a cell names, in its order, each once, and the words kept as they
/// are because none matched: `services_from_cell("饮水、热饭")`.
pub fn services_from_cell(cell: &str) -> (Vec<Service>, Vec<String>) {
    let cell = yizhan_core::text::normalize_width(cell);
    let mut services: Vec<Service> = Vec::new();
    let mut unknown = Vec::new();
    let words = cell
        .split(['|', '、', ',', '，', ';', '；', '/', ' ', '\n', '。'])
        .map(str::trim)
        .filter(|w| !w.is_empty());
    for word in words {
        let known = Service::from_word(word);
        let service = if known.is_known() {
            Some(known)
        } else {
            let lower = word.to_ascii_lowercase().replace(['-', ' '], "");
            KEYS.iter()
                .find(|(key, _)| lower.contains(key))
                .map(|(_, s)| s.clone())
        };
        match service {
            Some(s) if !services.contains(&s) => services.push(s),
            Some(_) => {}
            None => {
                unknown.push(word.to_string());
                let kept = Service::from_word(word);
                if !services.contains(&kept) {
                    services.push(kept);
                }
            }
        }
    }
    (services, unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_words_map_to_the_vocabulary_and_feed_words_pass() {
        let (s, unknown) =
            services_from_cell("免费饮水、微波炉热饭，手机充电|电动车换电 卫生间；water");
        assert_eq!(
            s,
            [
                Service::Water,
                Service::Microwave,
                Service::Charging,
                Service::BatterySwap,
                Service::Toilet
            ]
        );
        assert!(unknown.is_empty());
        let (s, unknown) = services_from_cell("针线包、Wi-Fi");
        assert_eq!(s, [Service::Other("针线包".into()), Service::Wifi]);
        assert_eq!(unknown, ["针线包"]);
    }
}
