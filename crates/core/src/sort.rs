//! One stable sort for the whole app. Each `slice::sort_by` on a new element type
//! brings its own copy of the standard merge sort into the wasm (about 4 KB each);
//! these sort a list of indices with one shared copy, then move the items into place.

use std::cmp::Ordering;

/// Sorts `items` stably by `cmp`, exactly as `items.sort_by(cmp)` would.
/// `sort_by(&mut hits, |a, b| a.distance_m.total_cmp(&b.distance_m))`.
pub fn sort_by<T>(items: &mut Vec<T>, mut cmp: impl FnMut(&T, &T) -> Ordering) {
    let order = stable_order(items.len(), &mut |a, b| cmp(&items[a], &items[b]));
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    // `order` is a permutation of 0..len: every slot is taken exactly once.
    items.extend(order.into_iter().filter_map(|i| slots.get_mut(i)?.take()));
}

/// Sorts `items` stably by a key: `sort_by_key(&mut coupons, |c| Reverse(c.claimed_at))`.
pub fn sort_by_key<T, K: Ord>(items: &mut Vec<T>, mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` in their natural order: `sort(&mut names)`.
pub fn sort<T: Ord>(items: &mut Vec<T>) {
    sort_by(items, T::cmp);
}

/// The stable order of `0..n` under `cmp` on indices: the one merge sort in the binary.
fn stable_order(n: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| cmp(a, b));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_equal_items_in_their_first_order() {
        let mut v = vec![(2, 'a'), (1, 'b'), (2, 'c'), (1, 'd'), (0, 'e')];
        sort_by_key(&mut v, |x| x.0);
        assert_eq!(v, [(0, 'e'), (1, 'b'), (1, 'd'), (2, 'a'), (2, 'c')]);
    }

    #[test]
    fn empty_and_single() {
        let mut none: Vec<String> = vec![];
        sort(&mut none);
        assert!(none.is_empty());
        let mut one = vec!["x".to_string()];
        sort(&mut one);
        assert_eq!(one, ["x"]);
    }

    // proptest is native only (no randomness backend on wasm32).
    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        /// Same result as the standard stable sort, ties included (the tag tells
        /// items with equal keys apart).
        #[test]
        fn same_as_slice_sort_by(keys in proptest::collection::vec(0u8..6, 0..200)) {
            let tagged: Vec<(u8, usize)> = keys.into_iter().enumerate().map(|(i, k)| (k, i)).collect();
            let mut ours = tagged.clone();
            sort_by(&mut ours, |a, b| b.0.cmp(&a.0));
            let mut std = tagged;
            std.sort_by_key(|x| std::cmp::Reverse(x.0));
            proptest::prop_assert_eq!(ours, std);
        }

        #[test]
        fn sorts_strings(mut v in proptest::collection::vec(".{0,4}", 0..50)) {
            let mut expected = v.clone();
            expected.sort();
            sort(&mut v);
            proptest::prop_assert_eq!(v, expected);
        }
    }
}
