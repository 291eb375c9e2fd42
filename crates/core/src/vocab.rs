//! The feed's vocabularies as types: services, entry rules, campaign kinds, request
//! states and report problems. Each is a word in the feed (FEED.md) and an enum here; a word this version
//! does not know is kept as `Other(word)` and shown as it is, never an error.
//!
//! Putting them into the user's words is the UI's job (`i18n::Words` in the app).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Declares a vocabulary: the enum, its list of known words in display order, and
/// its (de)serialisation as the plain word.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $word:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A word this version does not know: kept and shown as it is.
            Other(String),
        }

        impl $name {
            /// Every word FEED.md defines, in the order the app shows them.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// The value of a feed word (an unknown word is kept as `Other`).
            pub fn from_word(word: &str) -> Self {
                match word {
                    $($word => $name::$variant,)+
                    other => $name::Other(other.to_string()),
                }
            }

            /// The word as the feed writes it.
            pub fn word(&self) -> &str {
                match self {
                    $($name::$variant => $word,)+
                    $name::Other(word) => word,
                }
            }

            /// Whether FEED.md defines this word.
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Other(_))
            }
        }

        impl From<&str> for $name {
            fn from(word: &str) -> Self {
                $name::from_word(word)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.word())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.word())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                String::deserialize(d).map(|w| $name::from_word(&w))
            }
        }
    };
}

vocabulary! {
    /// A station service (`services` in a shard): `Service::from_word("water")`.
    Service {
        Water = "water",
        Microwave = "microwave",
        Charging = "charging",
        Toilet = "toilet",
        Rest = "rest",
        Ac = "ac",
        FirstAid = "first_aid",
        Pump = "pump",
        Umbrella = "umbrella",
        Books = "books",
        Wifi = "wifi",
        Shower = "shower",
        Accessible = "accessible",
        BatterySwap = "battery_swap",
        Meals = "meals",
        Fridge = "fridge",
    }
}

impl Service {
    /// `(中文, English, badge)` of a known service, the one table of its words (the
    /// app's chips and the posters); the badge is one glyph. `None` for an unknown word.
    pub fn names(&self) -> Option<(&'static str, &'static str, &'static str)> {
        Some(match self {
            Service::Water => ("饮水", "Water", "水"),
            Service::Microwave => ("热饭", "Microwave", "热"),
            Service::Fridge => ("冷藏", "Fridge", "冷"),
            Service::Charging => ("充电", "Charging", "电"),
            Service::Toilet => ("如厕", "Toilet", "厕"),
            Service::Rest => ("休息", "Rest", "座"),
            Service::Ac => ("空调/取暖", "A/C & heating", "暖"),
            Service::FirstAid => ("药箱", "First aid", "药"),
            Service::Pump => ("打气/维修", "Pump & tools", "修"),
            Service::Umbrella => ("雨具", "Umbrellas", "伞"),
            Service::Books => ("书屋", "Books", "书"),
            Service::Wifi => ("无线网络", "Wi-Fi", "网"),
            Service::Shower => ("淋浴", "Shower", "浴"),
            // "无" alone read as "none": the wheelchair sign, which every phone font has.
            Service::Accessible => ("无障碍", "Accessible", "♿"),
            Service::BatterySwap => ("换电", "Battery swap", "换"),
            Service::Meals => ("爱心餐", "Cheap meals", "餐"),
            Service::Other(_) => return None,
        })
    }

    /// The scarce services workers look for most (shown first and marked):
    /// `Service::BatterySwap.is_scarce()`.
    pub fn is_scarce(&self) -> bool {
        matches!(
            self,
            Service::BatterySwap | Service::Meals | Service::Shower
        )
    }

    /// The services the filter shows before "more services": the everyday ones and
    /// the scarce ones. `Service::Water.is_everyday()`.
    pub fn is_everyday(&self) -> bool {
        matches!(
            self,
            Service::Water
                | Service::Microwave
                | Service::Charging
                | Service::Toilet
                | Service::Rest
                | Service::BatterySwap
                | Service::Meals
        )
    }
}

vocabulary! {
    /// Who may come into a station (`entry`): `Entry::from_word("members")`.
    Entry {
        Open = "open",
        OutdoorWorkers = "outdoor_workers",
        Members = "members",
    }
}

vocabulary! {
    /// What a coupon campaign offers (`kind`): `CampaignKind::from_word("fitness")`.
    CampaignKind {
        Fitness = "fitness",
        Counselling = "counselling",
        HealthCheck = "health_check",
        Medical = "medical",
        Goods = "goods",
    }
}

vocabulary! {
    /// Where the union's back office has a request (`statuses[].state`).
    RequestState {
        Received = "received",
        Approved = "approved",
        NeedsInfo = "needs_info",
        Rejected = "rejected",
    }
}

vocabulary! {
    /// What is wrong with a station, in a `report` request.
    ReportProblem {
        ClosedWhenOpen = "closed_when_open",
        ServiceMissing = "service_missing",
        Moved = "moved",
        OtherProblem = "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip_and_unknown_words_are_kept() {
        for s in Service::KNOWN {
            assert_eq!(&Service::from_word(s.word()), s);
            assert!(s.is_known());
        }
        assert_eq!(Service::KNOWN.len(), 16);
        let tea = Service::from_word("hot_tea");
        assert_eq!(tea, Service::Other("hot_tea".into()));
        assert_eq!(tea.word(), "hot_tea");
        assert!(!tea.is_known());
        assert_eq!(Entry::KNOWN.len(), 3);
        assert_eq!(CampaignKind::KNOWN.len(), 5);
        assert_eq!(RequestState::KNOWN.len(), 4);
    }

    #[test]
    fn serialised_as_the_plain_word() {
        let v: Vec<Service> = serde_json::from_str(r#"["water","hot_tea"]"#).unwrap();
        assert_eq!(v, [Service::Water, Service::Other("hot_tea".into())]);
        assert_eq!(serde_json::to_string(&v).unwrap(), r#"["water","hot_tea"]"#);
        let s: RequestState = serde_json::from_str(r#""needs_info""#).unwrap();
        assert_eq!(s, RequestState::NeedsInfo);
        assert!(serde_json::from_str::<Entry>("3").is_err());
    }
}
