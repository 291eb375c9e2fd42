//! Joining the union (入会) or transferring membership (转会): the form's rules, and how
//! a request's outcome is found in the feed's `statuses` (by the SHA-256 of its id).
//! Longer than 400 lines because half of it is the tests beside the rules (every field and
//! kind checked).

use crate::request::{Application, Request};
use crate::text::{has_control, normalize_width};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The occupations FEED.md names, in the order the form offers them.
pub const OCCUPATIONS: [&str; 8] = [
    "courier",
    "rider",
    "sanitation",
    "taxi",
    "ride_hailing",
    "truck",
    "police",
    "other",
];

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RequestKind {
    #[default]
    Join,
    Transfer,
}

/// The form as typed (also what a draft keeps).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct JoinForm {
    pub kind: RequestKind,
    pub name: String,
    pub phone: String,
    pub id_number: String,
    pub occupation: String,
    pub employer: String,
    pub union_id: String,
    pub from_union: String,
    /// The region code of the city the worker said they work in (not sent: it only
    /// decides which unions are suggested when no position is known).
    pub city: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    Name,
    Phone,
    IdNumber,
    Occupation,
    Employer,
    Union,
    FromUnion,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldError {
    Required,
    /// Not 11 digits starting 1[3-9].
    Phone,
    /// Not 17 digits and a check character.
    IdShape,
    /// The check character does not match (GB 11643, ISO 7064 MOD 11-2).
    IdCheck,
    /// The birth date is not a real date, or not a working age (16–100).
    IdBirthDate,
    /// A line break, a tab or another control character ([`has_control`]): pasted
    /// into a field, it would break the card the union signs.
    Control,
}

/// A mobile number: 11 digits, `1[3-9]…`, full-width digits normalised, spaces and
/// dashes ignored:
/// `check_phone("139 1234 5678") == Ok("13912345678")`.
pub fn check_phone(text: &str) -> Result<String, FieldError> {
    let digits: String = normalize_width(text)
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .collect();
    let ok = digits.len() == 11
        && digits.bytes().all(|b| b.is_ascii_digit())
        && digits.as_bytes()[0] == b'1'
        && (b'3'..=b'9').contains(&digits.as_bytes()[1]);
    if digits.is_empty() {
        Err(FieldError::Required)
    } else if ok {
        Ok(digits)
    } else {
        Err(FieldError::Phone)
    }
}

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// The check character of the first 17 digits (ISO 7064 MOD 11-2).
pub fn id_check_char(first17: &str) -> Option<char> {
    let digits: Vec<u32> = first17
        .chars()
        .map(|c| c.to_digit(10))
        .collect::<Option<_>>()?;
    if digits.len() != 17 {
        return None;
    }
    let sum: u32 = digits.iter().zip(ID_WEIGHTS).map(|(d, w)| d * w).sum();
    Some(ID_CHECK[(sum % 11) as usize])
}

/// A resident ID number (居民身份证号码): 18 characters, the last a check character
/// ('X' for 10; a lower-case 'x', full-width digits and 'Ｘ', and spaces as a phone's
/// keyboard types them are accepted and normalised), with a real birth date of
/// someone 16 to 100 years old on `today`: `check_id_number("11010519491231002x", today)`.
pub fn check_id_number(text: &str, today: NaiveDate) -> Result<String, FieldError> {
    let id: String = normalize_width(text)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    if id.is_empty() {
        return Err(FieldError::Required);
    }
    // ASCII first: the slices below are by byte, and one accented letter or CJK
    // character would otherwise cut a character in half (a panic kills the app).
    let shape_ok = id.is_ascii()
        && id.len() == 18
        && id[..17].bytes().all(|b| b.is_ascii_digit())
        && matches!(id.as_bytes()[17], b'0'..=b'9' | b'X');
    if !shape_ok {
        return Err(FieldError::IdShape);
    }
    if id_check_char(&id[..17]) != id.chars().nth(17) {
        return Err(FieldError::IdCheck);
    }
    let number = |range: std::ops::Range<usize>| id[range].parse::<u32>().ok();
    let birth = match (number(6..10), number(10..12), number(12..14)) {
        (Some(y), Some(m), Some(d)) => NaiveDate::from_ymd_opt(y as i32, m, d),
        _ => None,
    }
    .ok_or(FieldError::IdBirthDate)?;
    let age = today.year()
        - birth.year()
        - i32::from((today.month(), today.day()) < (birth.month(), birth.day()));
    if !(16..=100).contains(&age) {
        return Err(FieldError::IdBirthDate);
    }
    Ok(id)
}

impl JoinForm {
    /// Where a half-filled form is kept between visits (not the consent: it is asked
    /// anew each time).
    pub const DRAFT_KEY: &'static str = "yizhan.join-draft.v1";

    /// The error of one field, if any (checked when the user leaves it, and on submit).
    pub fn error(&self, field: Field, today: NaiveDate) -> Option<FieldError> {
        let required = |v: &str| v.trim().is_empty().then_some(FieldError::Required);
        // What is sent is trimmed: a tab or line break a pasted spreadsheet cell brings
        // at the end goes; one inside stays, and is refused.
        let control = |v: &str| has_control(v.trim()).then_some(FieldError::Control);
        let text = |v: &str| required(v).or_else(|| control(v));
        match field {
            Field::Name => text(&self.name),
            Field::Phone => check_phone(&self.phone).err(),
            Field::IdNumber => check_id_number(&self.id_number, today).err(),
            Field::Occupation => required(&self.occupation),
            Field::Union => required(&self.union_id),
            Field::FromUnion if self.kind == RequestKind::Transfer => text(&self.from_union),
            Field::Employer => control(&self.employer),
            Field::FromUnion => None,
        }
    }

    /// Every field's error, in form order: empty means the form may be sent.
    pub fn errors(&self, today: NaiveDate) -> Vec<(Field, FieldError)> {
        [
            Field::Name,
            Field::Phone,
            Field::IdNumber,
            Field::Occupation,
            Field::Employer,
            Field::Union,
            Field::FromUnion,
        ]
        .into_iter()
        .filter_map(|f| self.error(f, today).map(|e| (f, e)))
        .collect()
    }

    /// The request of a valid form, normalised (FEED.md's application fields):
    /// `form.request(today, false)` is `None` while any field is in error.
    /// `answer_by_phone` for a form filled on a shared kiosk.
    pub fn request(&self, today: NaiveDate, answer_by_phone: bool) -> Option<Request> {
        if !self.errors(today).is_empty() {
            return None;
        }
        let application = Application {
            name: self.name.trim().to_string(),
            phone: check_phone(&self.phone).ok()?,
            id_number: check_id_number(&self.id_number, today).ok()?,
            occupation: self.occupation.clone(),
            employer: self.employer.trim().to_string(),
            union: self.union_id.clone(),
            from_union: (self.kind == RequestKind::Transfer)
                .then(|| self.from_union.trim().to_string()),
            answer_by_phone,
        };
        Some(match self.kind {
            RequestKind::Join => Request::Join(application),
            RequestKind::Transfer => Request::Transfer(application),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    #[test]
    fn id_numbers_from_the_standard_pass_and_x_is_normalised() {
        // GB 11643-1999's worked examples.
        assert_eq!(
            check_id_number("11010519491231002X", today()),
            Ok("11010519491231002X".into())
        );
        assert_eq!(
            check_id_number("11010519491231002x", today()),
            Ok("11010519491231002X".into())
        );
        assert_eq!(id_check_char("44052418800101001"), Some('4'));
    }

    #[test]
    fn id_number_refusals() {
        // Wrong check character.
        assert_eq!(
            check_id_number("110105194912310021", today()),
            Err(FieldError::IdCheck)
        );
        assert_eq!(check_id_number("", today()), Err(FieldError::Required));
        assert_eq!(
            check_id_number("1101051949123100", today()),
            Err(FieldError::IdShape)
        );
        assert_eq!(
            check_id_number("11010519491231002Y", today()),
            Err(FieldError::IdShape)
        );
        assert_eq!(
            check_id_number("1101051949123100X2", today()),
            Err(FieldError::IdShape)
        );
        // A correct check character over an impossible date (February 30th).
        let bad_date = format!(
            "11010519900230001{}",
            id_check_char("11010519900230001").unwrap()
        );
        assert_eq!(
            check_id_number(&bad_date, today()),
            Err(FieldError::IdBirthDate)
        );
        // Too young (born 2015) and implausibly old (born 1880).
        let child = format!(
            "11010520150101001{}",
            id_check_char("11010520150101001").unwrap()
        );
        assert_eq!(
            check_id_number(&child, today()),
            Err(FieldError::IdBirthDate)
        );
        assert_eq!(
            check_id_number("440524188001010014", today()),
            Err(FieldError::IdBirthDate)
        );
        // Sixteen today is old enough; sixteen tomorrow is not.
        let sixteen = format!(
            "11010520101122001{}",
            id_check_char("11010520101122001").unwrap()
        );
        assert!(check_id_number(&sixteen, today()).is_ok());
        let almost = format!(
            "11010520101123001{}",
            id_check_char("11010520101123001").unwrap()
        );
        assert_eq!(
            check_id_number(&almost, today()),
            Err(FieldError::IdBirthDate)
        );
    }

    #[test]
    fn what_a_phone_keyboard_types_is_normalised_not_a_crash() {
        // Full-width digits and Ｘ, as a Chinese IME in full-width mode types them.
        assert_eq!(
            check_id_number("１１０１０５１９４９１２３１００２Ｘ", today()),
            Ok("11010519491231002X".into())
        );
        assert_eq!(
            check_id_number("110105 1949 1231 002ｘ", today()),
            Ok("11010519491231002X".into())
        );
        // One full-width digit among ASCII ones, and an accented letter: an answer.
        assert_eq!(
            check_id_number("510422197701202２", today()),
            check_id_number("5104221977012022", today())
        );
        assert_eq!(
            check_id_number("11010519491231002é", today()),
            Err(FieldError::IdShape)
        );
        // 15 digits and one CJK character are 18 bytes: the byte length alone is no guard.
        assert_eq!(
            check_id_number("510422197701202黄", today()),
            Err(FieldError::IdShape)
        );
        assert_eq!(
            check_phone("１３９　１２３４　５６７８"),
            Ok("13912345678".into())
        );
    }

    #[test]
    fn phone_numbers() {
        assert_eq!(check_phone("13912345678"), Ok("13912345678".into()));
        assert_eq!(check_phone("139-1234-5678"), Ok("13912345678".into()));
        assert_eq!(check_phone("12912345678"), Err(FieldError::Phone));
        assert_eq!(check_phone("1391234567"), Err(FieldError::Phone));
        assert_eq!(check_phone("1391234567a"), Err(FieldError::Phone));
        assert_eq!(check_phone("0635-8123456"), Err(FieldError::Phone));
        assert_eq!(check_phone(" "), Err(FieldError::Required));
    }

    #[test]
    fn a_pasted_line_break_or_tab_is_a_field_error_and_nothing_is_sent() {
        let good = JoinForm {
            kind: RequestKind::Transfer,
            name: "王五".into(),
            phone: "13912345678".into(),
            id_number: "11010519491231002X".into(),
            occupation: "courier".into(),
            employer: "某某 快递".into(),
            union_id: "u1".into(),
            from_union: "旧工会".into(),
            city: String::new(),
        };
        assert!(good.errors(today()).is_empty(), "spaces are text");
        for (field, bad) in [
            (Field::Name, "张\n三"),
            (Field::Name, "张\t三"),
            (Field::Employer, "某某\r\n快递"),
            (Field::FromUnion, "旧\u{0}工会"),
            (Field::FromUnion, "旧\u{2028}工会"),
        ] {
            let mut f = good.clone();
            match field {
                Field::Name => f.name = bad.into(),
                Field::Employer => f.employer = bad.into(),
                _ => f.from_union = bad.into(),
            }
            assert_eq!(
                f.error(field, today()),
                Some(FieldError::Control),
                "{bad:?}"
            );
            assert_eq!(f.errors(today()), [(field, FieldError::Control)]);
            assert_eq!(f.request(today(), false), None);
        }
        // Blank stays Required, before Control; what trimming takes off (as a pasted
        // spreadsheet cell brings it) is no error; a join's unsent from-union is not
        // checked.
        let mut f = good.clone();
        f.name = "\n".into();
        assert_eq!(f.error(Field::Name, today()), Some(FieldError::Required));
        f.name = "王五\t\r\n".into();
        f.employer = "\t某某快递\n".into();
        assert!(f.errors(today()).is_empty());
        let sent = f.request(today(), false).unwrap();
        assert_eq!(sent.application().unwrap().name, "王五");
        assert_eq!(sent.with_control(), None);
        f = good;
        f.kind = RequestKind::Join;
        f.from_union = "旧\n工会".into();
        assert!(f.errors(today()).is_empty());
    }

    #[test]
    fn form_errors_and_payload() {
        let mut f = JoinForm::default();
        let fields: Vec<Field> = f.errors(today()).into_iter().map(|(f, _)| f).collect();
        assert_eq!(
            fields,
            [
                Field::Name,
                Field::Phone,
                Field::IdNumber,
                Field::Occupation,
                Field::Union
            ]
        );
        f = JoinForm {
            kind: RequestKind::Join,
            name: " 王五 ".into(),
            phone: "139 1234 5678".into(),
            id_number: "11010519491231002x".into(),
            occupation: "courier".into(),
            employer: "某某快递".into(),
            union_id: "u1".into(),
            from_union: String::new(),
            city: "371500".into(),
        };
        assert!(f.errors(today()).is_empty());
        let r = f.request(today(), false).unwrap();
        assert_eq!(r.kind(), "join");
        assert!(
            !r.payload().get().contains("city") && !r.payload().get().contains("answer_by_phone"),
            "the city only suggests; a phone's request says nothing of a kiosk"
        );
        let p = r.application().unwrap();
        assert_eq!(p.name, "王五");
        assert_eq!(p.phone, "13912345678");
        assert_eq!(p.id_number, "11010519491231002X");
        assert_eq!(p.from_union, None);
        f.kind = RequestKind::Transfer;
        assert_eq!(
            f.errors(today()),
            [(Field::FromUnion, FieldError::Required)]
        );
        f.from_union = "旧工会".into();
        let r = f.request(today(), true).unwrap();
        assert!(r.application().unwrap().answer_by_phone, "made on a kiosk");
        assert_eq!(r.with_control(), None);
        assert_eq!(r.kind(), "transfer");
        assert_eq!(
            r.application().unwrap().from_union.as_deref(),
            Some("旧工会")
        );
    }
}
