//! Early detection of emerging problems ("Auffälligkeiten"): is the number of incidents in
//! one place (a district, a hotspot's area or a grid cell) and one group of categories in the
//! recent days improbably high against what the previous weeks lead one to expect?
//!
//! **Method.** The expectation is that of Kulldorff's space-time permutation model (as in
//! SaTScan): a place's count in the recent week, block by block of the week, is its count in
//! that block over the baseline weeks scaled by the city's recent count over its baseline count
//! in the same block. So the weekly rhythm (a Friday night is compared with Friday nights, in
//! 28 blocks of six hours) and slow trends and seasons of the whole city are taken out, and
//! what remains is a place rising against the city. The observed count is tested against a
//! Poisson count with that expectation (its upper tail, as Farrington-type surveillance does for
//! outbreak detection); the level is divided by the number of places × category groups tested
//! at once (Bonferroni), and an alert also needs a minimum excess and ratio, so a single
//! incident never raises one.
//!
//! **Limits.** Poisson assumes independent incidents; repeated reports of one disturbance are
//! overdispersed and the minimum excess is the guard against that. A place with no incidents in
//! the baseline would have an expectation of zero; it is expected to have at least
//! [`Detection::floor_per_week`] (half an incident a week) instead. This module holds the pure logic only.

/// Hours in a week.
pub const WEEK_HOURS: usize = 168;
/// The week's blocks the rhythm is taken in: six hours each.
pub const BLOCK_HOURS: usize = 6;
pub const BLOCKS: usize = WEEK_HOURS / BLOCK_HOURS;

/// The parameters of the test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Detection {
    /// Baseline weeks before the recent week.
    pub baseline_weeks: usize,
    /// The family-wise level over all tests at once.
    pub alpha: f64,
    /// Least excess (observed minus expected) for an alert.
    pub min_excess: f64,
    /// Least ratio of observed to expected for an alert.
    pub min_ratio: f64,
    /// Least expectation per week for a place (a place without a baseline is not expected to
    /// have none).
    pub floor_per_week: f64,
}

impl Default for Detection {
    fn default() -> Self {
        Detection {
            baseline_weeks: 8,
            alpha: 0.01,
            min_excess: 5.0,
            min_ratio: 1.5,
            floor_per_week: 0.5,
        }
    }
}

/// What the test found for one place and category group.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub observed: u32,
    pub expected: f64,
    /// P(X ≥ observed) for X ~ Poisson(expected), before the correction for many tests.
    pub p_value: f64,
    /// Significant after the correction, with the minimum excess and ratio.
    pub alert: bool,
    /// The first block of the recent week, counted in time from its start, with more than
    /// expected: the excess holds since then.
    pub since_block: usize,
    /// The blocks of the week (0 = Monday 00–06) where more happened than expected.
    pub excess_blocks: Vec<usize>,
}

/// One place's (or the city's) counts per block of the week: over all baseline weeks summed,
/// and in the recent week. Block 0 is Monday 00:00–06:00 local time.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Counts {
    pub base: [f64; BLOCKS],
    pub recent: [f64; BLOCKS],
}

impl Counts {
    /// Adds `n` incidents in `block`, to the recent week or the baseline.
    pub fn add(&mut self, block: usize, recent: bool, n: f64) {
        let blocks = if recent {
            &mut self.recent
        } else {
            &mut self.base
        };
        blocks[block % BLOCKS] += n;
    }

    /// Counts from hourly series starting on a Monday 00:00: `baseline_weeks` weeks of
    /// baseline, then the recent week.
    pub fn from_hourly(hourly: &[u32], baseline_weeks: usize) -> Counts {
        let mut c = Counts::default();
        let split = baseline_weeks * WEEK_HOURS;
        for (h, &n) in hourly.iter().enumerate().take(split + WEEK_HOURS) {
            c.add((h % WEEK_HOURS) / BLOCK_HOURS, h >= split, f64::from(n));
        }
        c
    }
}

/// Did more happen in a block than expected (by more than half an incident)?
fn in_excess(observed: f64, expected: f64) -> bool {
    observed > expected + 0.5
}

/// ln(n!).
fn ln_factorial(n: u32) -> f64 {
    (2..=n).map(|k| f64::from(k).ln()).sum()
}

/// P(X ≥ k) for X ~ Poisson(λ).
pub fn poisson_upper_tail(k: u32, lambda: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if lambda <= 0.0 {
        return 0.0;
    }
    if f64::from(k) <= lambda {
        // The lower part is the small one: 1 − P(X < k).
        let mut term = (-lambda).exp();
        let mut below = term;
        for j in 1..k {
            term *= lambda / f64::from(j);
            below += term;
        }
        return (1.0 - below).clamp(0.0, 1.0);
    }
    let mut term = (-lambda + f64::from(k) * lambda.ln() - ln_factorial(k)).exp();
    let mut sum = 0.0;
    let mut j = k;
    while term > sum * 1e-15 && j < k.saturating_add(100_000) {
        sum += term;
        j += 1;
        term *= lambda / f64::from(j);
    }
    sum.clamp(0.0, 1.0)
}

/// Kulldorff's Poisson log-likelihood ratio of `observed` against `expected` (0 unless more
/// than expected): how strongly a place stands out, used to choose among overlapping places.
pub fn log_likelihood_ratio(observed: u32, expected: f64) -> f64 {
    let o = f64::from(observed);
    if o <= expected || expected <= 0.0 {
        return 0.0;
    }
    o * (o / expected).ln() - (o - expected)
}

impl Detection {
    /// Tests one place against the city (both for one category group); `tests` is how many
    /// places × groups are tested at once; `first_block` is the block of the week the recent
    /// week starts in (its blocks follow in time from there).
    pub fn assess(
        &self,
        place: &Counts,
        city: &Counts,
        tests: usize,
        first_block: usize,
    ) -> Finding {
        let weeks = self.baseline_weeks.max(1) as f64;
        let floor = self.floor_per_week / BLOCKS as f64;
        // Expected per block: the place's baseline in the block, scaled by the city's recent
        // over baseline count in that block (the space-time permutation expectation).
        let expected_blocks: Vec<f64> = (0..BLOCKS)
            .map(|b| {
                let e = if city.base[b] > 0.0 {
                    place.base[b] * city.recent[b] / city.base[b]
                } else {
                    place.base[b] / weeks
                };
                e.max(floor)
            })
            .collect();
        let expected: f64 = expected_blocks.iter().sum();
        let observed = place.recent.iter().sum::<f64>().round() as u32;
        let p_value = poisson_upper_tail(observed, expected);
        let level = self.alpha / tests.max(1) as f64;
        let excess = f64::from(observed) - expected;
        let alert = p_value < level
            && excess >= self.min_excess
            && f64::from(observed) >= self.min_ratio * expected;
        let excess_blocks: Vec<usize> = (0..BLOCKS)
            .filter(|&b| in_excess(place.recent[b], expected_blocks[b]))
            .collect();
        // Since when: the first block of the recent week, in time, with an excess.
        let since_block = (0..BLOCKS)
            .find(|i| excess_blocks.contains(&((first_block + i) % BLOCKS)))
            .unwrap_or(0);
        Finding {
            observed,
            expected,
            p_value,
            alert,
            since_block,
            excess_blocks,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hourly counts for `weeks` weeks: `per_hour(h)` in hour-of-week `h` each week.
    fn series(weeks: usize, per_hour: impl Fn(usize) -> u32) -> Vec<u32> {
        (0..weeks * WEEK_HOURS)
            .map(|h| per_hour(h % WEEK_HOURS))
            .collect()
    }

    /// Tests hourly series from a Monday 00:00 (the recent week starts on a Monday too).
    fn assess(d: &Detection, place: &[u32], city: &[u32], tests: usize) -> Finding {
        let (p, c) = (
            Counts::from_hourly(place, d.baseline_weeks),
            Counts::from_hourly(city, d.baseline_weeks),
        );
        d.assess(&p, &c, tests, 0)
    }

    /// Friday and Saturday nights (22:00–04:00) busy, the rest quiet.
    fn weekend_nights(h: usize) -> u32 {
        let (day, hour) = (h / 24, h % 24);
        let night = (day == 4 || day == 5) && hour >= 22 || (day == 5 || day == 6) && hour < 4;
        if night { 2 } else { u32::from(h % 24 == 12) }
    }

    #[test]
    fn the_poisson_tail_is_right() {
        // P(X ≥ 1 | λ = 1) = 1 − e⁻¹; P(X ≥ 10 | λ = 2) = 4.6498075e-5 (summed apart, in
        // Python: 1 − Σₖ₌₀⁹ e⁻² 2ᵏ / k!).
        assert!((poisson_upper_tail(1, 1.0) - 0.632_120_558_8).abs() < 1e-9);
        assert!((poisson_upper_tail(10, 2.0) - 4.649_807_5e-5).abs() < 1e-12);
        assert_eq!(poisson_upper_tail(0, 3.0), 1.0);
        assert_eq!(poisson_upper_tail(3, 0.0), 0.0);
        assert!((poisson_upper_tail(2, 5.0) - (1.0 - 6.0 * (-5.0f64).exp())).abs() < 1e-12);
    }

    #[test]
    fn a_clear_excess_is_found_with_its_hours_and_start() {
        let d = Detection::default();
        let city = series(9, |h| 10 * weekend_nights(h) + 3);
        // A place with about one incident a day, and in the recent week 20 more on Wednesday
        // evening (block 2·4 + 3 = 11: Wednesday 18–24).
        let mut place = series(9, |h| u32::from(h % 24 == 20));
        let wednesday_evening = 8 * WEEK_HOURS + 2 * 24 + 19;
        for i in 0..20 {
            place[wednesday_evening + i % 4] += 1;
        }
        let f = assess(&d, &place, &city, 7 * 4);
        assert_eq!(f.observed, 27);
        assert!((f.expected - 7.0).abs() < 0.5, "{f:?}");
        assert!(f.alert, "{f:?}");
        assert!(f.excess_blocks.contains(&11), "{f:?}");
        assert_eq!(f.since_block, 11, "{f:?}");
    }

    #[test]
    fn the_weekly_rhythm_is_not_mistaken_for_an_excess() {
        // Busy weekend nights every week, the recent one too: nothing to see.
        let d = Detection::default();
        let city = series(9, |h| 10 * weekend_nights(h) + 3);
        let place = series(9, weekend_nights);
        let f = assess(&d, &place, &city, 7 * 4);
        assert!(!f.alert, "{f:?}");
        assert_eq!(f.observed, f.expected.round() as u32, "{f:?}");
        // A city-wide rise (more incidents everywhere this week) is a trend, not a place.
        let rising_city: Vec<u32> = city
            .iter()
            .enumerate()
            .map(|(h, &n)| if h >= 8 * WEEK_HOURS { 2 * n } else { n })
            .collect();
        let rising_place: Vec<u32> = place
            .iter()
            .enumerate()
            .map(|(h, &n)| if h >= 8 * WEEK_HOURS { 2 * n } else { n })
            .collect();
        assert!(!assess(&d, &rising_place, &rising_city, 28).alert);
    }

    #[test]
    fn a_single_incident_never_alerts() {
        // A place that never had any: one incident this week is improbable, but not an alert.
        let d = Detection::default();
        let city = series(9, |_| 1);
        let mut place = vec![0; 9 * WEEK_HOURS];
        place[8 * WEEK_HOURS + 30] = 1;
        let f = assess(&d, &place, &city, 1);
        assert_eq!(f.observed, 1);
        assert!(!f.alert, "{f:?}");
        // Nor four; with the correction for 1,000 tests, ten where 0.5 a week is expected do.
        place[8 * WEEK_HOURS + 31] = 3;
        assert!(!assess(&d, &place, &city, 1_000).alert);
        place[8 * WEEK_HOURS + 32] = 6;
        assert!(assess(&d, &place, &city, 1_000).alert);
    }
}
