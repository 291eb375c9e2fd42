//! Coupon codes: drawn at random on the worker's device, read aloud or typed at a
//! venue, and checked by a check symbol so a misread code is caught at once.

// Crockford's base 32: no I, L, O, U, so a code read aloud is not misheard.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
// Its check symbols: the 32 above and five more, for a value mod 37.
const CHECK: &[u8; 37] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U";

/// A coupon code from 9 random bytes: 65 bits as 13 base-32 symbols plus a check
/// symbol (mod 37), grouped in fours for reading aloud: `XXXX-XXXX-XXXX-XC`.
pub fn coupon_code(random: [u8; 9]) -> String {
    let mut value: u128 = 0;
    for b in random {
        value = (value << 8) | u128::from(b);
    }
    value &= (1u128 << 65) - 1;
    let mut symbols = [0u8; 13];
    let mut v = value;
    for s in symbols.iter_mut().rev() {
        *s = ALPHABET[(v % 32) as usize];
        v /= 32;
    }
    let check = CHECK[(value % 37) as usize];
    let mut out = String::with_capacity(17);
    for (i, s) in symbols.iter().chain(std::iter::once(&check)).enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        out.push(*s as char);
    }
    out
}

/// A code as typed or read aloud, in its one canonical form: full-width folded,
/// dashes and spaces dropped, upper case, O read as 0, I and L as 1.
fn canonical(code: &str) -> String {
    crate::text::normalize_width(code)
        .chars()
        .filter(|c| *c != '-' && !c.is_whitespace())
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect()
}

/// The code's reference in the feed and in requests (FEED.md, union desk): the
/// SHA-256 hex of the canonical code, so the code itself never leaves the device:
/// `code_ref("abcd-efgh-jkmn-pq5")` equals `code_ref("ABCDEFGHJKMNPQ5")`.
pub fn code_ref(code: &str) -> String {
    crate::feed::sha256_hex(canonical(code).as_bytes())
}

/// Whether a code (as typed or read aloud: any case, with or without dashes, O for 0,
/// I and L for 1) has a correct check symbol: `code_is_valid("…")`.
pub fn code_is_valid(code: &str) -> bool {
    let cleaned: Vec<u8> = canonical(code)
        .chars()
        // Anything outside ASCII is no symbol of the code (never truncated into one).
        .map(|c| u8::try_from(c).ok().filter(u8::is_ascii).unwrap_or(0))
        .collect();
    if cleaned.len() != 14 {
        return false;
    }
    let mut value: u128 = 0;
    for s in &cleaned[..13] {
        match ALPHABET.iter().position(|a| a == s) {
            Some(d) => value = value * 32 + d as u128,
            None => return false,
        }
    }
    CHECK[(value % 37) as usize] == cleaned[13]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coupon_codes_are_grouped_checked_and_catch_misreadings() {
        let code = coupon_code([0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x11]);
        assert_eq!(code.len(), 17);
        assert_eq!(code.matches('-').count(), 3);
        assert!(code_is_valid(&code));
        assert!(code_is_valid(&code.to_lowercase().replace('-', " ")));
        // Any single changed symbol is caught by the check symbol.
        let plain: Vec<char> = code.chars().filter(|c| *c != '-').collect();
        for i in 0..13 {
            for sub in ALPHABET.iter().map(|b| *b as char) {
                if sub == plain[i] {
                    continue;
                }
                let mut changed = plain.clone();
                changed[i] = sub;
                let s: String = changed.into_iter().collect();
                assert!(!code_is_valid(&s), "{s} should fail");
            }
        }
        // Different random bytes give different codes.
        assert_ne!(coupon_code([0; 9]), coupon_code([1; 9]));
        assert_eq!(coupon_code([0; 9]), "0000-0000-0000-00");
        // One reference however the code is written; the desk's hash of the bare code.
        let bare: String = code.chars().filter(|c| *c != '-').collect();
        assert_eq!(code_ref(&code), crate::feed::sha256_hex(bare.as_bytes()));
        assert_eq!(
            code_ref(&code.to_lowercase().replace('-', " ")),
            code_ref(&code)
        );
        assert_eq!(code_ref("O0I1-L"), code_ref("0011-1"));
        assert_ne!(code_ref(&code), code_ref(&coupon_code([1; 9])));
    }
}
