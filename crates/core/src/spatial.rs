//! Nearest-station search: a uniform grid over WGS-84 points, built once per loaded
//! shard, searched ring by ring outwards so a filtered k-nearest query touches only the
//! cells it must. (Field notes: a 0.1° grid answers in 3–8 µs over 150k points.)

use crate::geo::{distance_m, LngLat};
use std::collections::HashMap;

const METRES_PER_DEGREE: f64 = 111_195.0;

/// A grid index over a fixed list of points (indices refer to that list).
#[derive(Clone, Debug, Default)]
pub struct GridIndex {
    cell_deg: f64,
    cells: HashMap<(i32, i32), Vec<u32>>,
    points: Vec<LngLat>,
    /// Largest |lat| of any point, bounding how narrow a cell can get.
    max_abs_lat: f64,
}

impl GridIndex {
    /// Builds the index: `GridIndex::build(points, 0.05)` (cells of 0.05°, about 5 km).
    pub fn build(points: Vec<LngLat>, cell_deg: f64) -> GridIndex {
        let mut cells: HashMap<(i32, i32), Vec<u32>> = HashMap::new();
        let mut max_abs_lat: f64 = 0.0;
        for (i, p) in points.iter().enumerate() {
            cells
                .entry(cell_of(*p, cell_deg))
                .or_default()
                .push(i as u32);
            max_abs_lat = max_abs_lat.max(p.lat.abs());
        }
        GridIndex {
            cell_deg,
            cells,
            points,
            max_abs_lat,
        }
    }

    pub fn len(&self) -> usize {
        self.points.len()
    }

    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// The `k` nearest points to `from` within `within_m` metres that `keep` accepts,
    /// nearest first, as `(index, metres)`: `index.nearest(p, 20, 25_000.0, |i| open[i])`.
    ///
    /// The radius also bounds the work: a filter that accepts nothing nearby never
    /// walks the grid out to a far-off (or misplaced) point.
    pub fn nearest(
        &self,
        from: LngLat,
        k: usize,
        within_m: f64,
        keep: impl Fn(usize) -> bool,
    ) -> Vec<(usize, f64)> {
        let mut best: Vec<(usize, f64)> = Vec::with_capacity(k + 1);
        if k == 0 || self.points.is_empty() {
            return best;
        }
        let (cx, cy) = cell_of(from, self.cell_deg);
        // A cell in ring r is at least (r - 1) cells away along one axis; a cell is
        // narrowest (in metres) at the highest latitude any point has.
        let lat_for_width = self.max_abs_lat.max(from.lat.abs()).min(89.0);
        let cell_m =
            (self.cell_deg * METRES_PER_DEGREE * lat_for_width.to_radians().cos()).max(1.0);
        // Cells of ring r are at least (r - 1) cells away: none beyond this ring can
        // hold a point within the radius.
        let radius_rings = (within_m / cell_m).ceil().min(f64::from(i32::MAX - 2)) as i32 + 1;
        let max_ring = self.max_ring(cx, cy).min(radius_rings);
        for ring in 0..=max_ring {
            if best.len() == k {
                let lower_bound = (ring as f64 - 1.0).max(0.0) * cell_m;
                if lower_bound > best[k - 1].1 {
                    break;
                }
            }
            for cell in ring_cells(cx, cy, ring) {
                let Some(ids) = self.cells.get(&cell) else {
                    continue;
                };
                for &i in ids {
                    let i = i as usize;
                    let d = distance_m(from, self.points[i]);
                    if d > within_m || (best.len() == k && d >= best[k - 1].1) {
                        continue;
                    }
                    if !keep(i) {
                        continue;
                    }
                    let at = best.partition_point(|&(_, bd)| bd <= d);
                    best.insert(at, (i, d));
                    best.truncate(k);
                }
            }
        }
        best
    }

    /// How many rings cover every occupied cell from (cx, cy).
    fn max_ring(&self, cx: i32, cy: i32) -> i32 {
        self.cells
            .keys()
            .map(|&(x, y)| (x - cx).abs().max((y - cy).abs()))
            .max()
            .unwrap_or(0)
    }
}

fn cell_of(p: LngLat, cell_deg: f64) -> (i32, i32) {
    (
        (p.lng / cell_deg).floor() as i32,
        (p.lat / cell_deg).floor() as i32,
    )
}

/// The cells at Chebyshev distance exactly `r` from (cx, cy).
fn ring_cells(cx: i32, cy: i32, r: i32) -> Vec<(i32, i32)> {
    if r == 0 {
        return vec![(cx, cy)];
    }
    let mut out = Vec::with_capacity((8 * r) as usize);
    for dx in -r..=r {
        out.push((cx + dx, cy - r));
        out.push((cx + dx, cy + r));
    }
    for dy in (-r + 1)..r {
        out.push((cx - r, cy + dy));
        out.push((cx + r, cy + dy));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(n: usize, seed: u64) -> Vec<LngLat> {
        let mut s = seed;
        let mut next = move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        (0..n)
            .map(|_| LngLat::new(115.5 + next() * 1.0, 36.0 + next() * 0.8))
            .collect()
    }

    fn brute(
        points: &[LngLat],
        from: LngLat,
        k: usize,
        keep: impl Fn(usize) -> bool,
    ) -> Vec<usize> {
        let mut all: Vec<(usize, f64)> = points
            .iter()
            .enumerate()
            .filter(|(i, _)| keep(*i))
            .map(|(i, p)| (i, distance_m(from, *p)))
            .collect();
        all.sort_by(|a, b| a.1.total_cmp(&b.1));
        all.into_iter().take(k).map(|(i, _)| i).collect()
    }

    #[test]
    fn agrees_with_brute_force_with_and_without_a_filter() {
        let pts = points(5000, 42);
        let index = GridIndex::build(pts.clone(), 0.05);
        let queries = points(300, 7);
        for (qi, q) in queries.iter().enumerate() {
            let got: Vec<usize> = index
                .nearest(*q, 20, f64::INFINITY, |_| true)
                .into_iter()
                .map(|(i, _)| i)
                .collect();
            assert_eq!(got, brute(&pts, *q, 20, |_| true), "query {qi}");
            let sparse = |i: usize| i.is_multiple_of(97); // a scarce service
            let got: Vec<usize> = index
                .nearest(*q, 10, f64::INFINITY, sparse)
                .into_iter()
                .map(|(i, _)| i)
                .collect();
            assert_eq!(got, brute(&pts, *q, 10, sparse), "filtered query {qi}");
        }
    }

    #[test]
    fn far_queries_and_empty_indexes_work() {
        let pts = points(100, 1);
        let index = GridIndex::build(pts.clone(), 0.05);
        let far = LngLat::new(121.47, 31.23);
        let got: Vec<usize> = index
            .nearest(far, 3, f64::INFINITY, |_| true)
            .into_iter()
            .map(|(i, _)| i)
            .collect();
        assert_eq!(got, brute(&pts, far, 3, |_| true));
        assert!(GridIndex::build(vec![], 0.05)
            .nearest(far, 3, f64::INFINITY, |_| true)
            .is_empty());
        assert!(index.nearest(far, 3, f64::INFINITY, |_| false).is_empty());
        assert_eq!(index.nearest(far, 500, f64::INFINITY, |_| true).len(), 100);
        // Within a radius: Liaocheng's points are ~600 km from Shanghai.
        assert!(index.nearest(far, 3, 25_000.0, |_| true).is_empty());
    }

    #[test]
    fn a_misplaced_point_and_a_filter_that_accepts_nothing_return_at_once() {
        // A decimal point off (lng 1159.85): without the radius bound the ring search
        // would walk ~50,000 rings of cells out to it, and the tab would hang.
        let mut pts = points(100, 3);
        pts.push(LngLat::new(1159.85, 36.45));
        let index = GridIndex::build(pts, 0.02);
        let from = LngLat::new(115.98, 36.45);
        assert!(index.nearest(from, 20, 25_000.0, |_| false).is_empty());
        let near = index.nearest(from, 5, 25_000.0, |_| true);
        assert!(!near.is_empty() && near.iter().all(|(_, d)| *d <= 25_000.0));
    }
}
