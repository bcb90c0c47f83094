//! Point clustering for the map: at a zoom level, points closer than a radius in screen pixels
//! merge into one cluster with a count. Greedy, like supercluster: each point not yet taken
//! gathers the untaken points within the radius, found through a grid of radius-sized cells,
//! so the result does not depend on cell edges. The projection is done once per set of points
//! ([`Index`]), the grid once per zoom.

/// A layer clusters only when it has more points than this; a handful of points stays as
/// individual markers at every zoom.
pub const CLUSTER_FROM: usize = 50;
/// A layer with more points than this draws its single points on one canvas, not as an SVG
/// element each: thousands of elements make every frame of a pan or zoom slow.
pub const CANVAS_FROM: usize = 1_000;
/// Points closer than this many screen pixels merge.
pub const RADIUS_PX: f64 = 40.0;
/// From this zoom on nothing merges (street level: the points are where they are).
pub const MAX_CLUSTER_ZOOM: f64 = 17.0;

/// A point to cluster: an item id and its position.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub id: i64,
    /// `[lon, lat]`, WGS84.
    pub at: [f64; 2],
}

/// One marker to draw.
#[derive(Debug, Clone, PartialEq)]
pub enum Marker {
    /// A point on its own.
    Single(Point),
    /// Several points drawn as one.
    Cluster(Cluster),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// The mean position of its points, `[lon, lat]`.
    pub centre: [f64; 2],
    /// `[[west, south], [east, north]]` of its points: zooming to it splits the cluster.
    pub bounds: [[f64; 2]; 2],
    /// The item ids, ascending.
    pub ids: Vec<i64>,
}

impl Cluster {
    pub fn count(&self) -> usize {
        self.ids.len()
    }
}

/// Web Mercator at zoom 0 on a unit square: `[0, 1]` from west to east and north to south.
fn unit([lon, lat]: [f64; 2]) -> [f64; 2] {
    let lat = lat.clamp(-85.051_128_78, 85.051_128_78).to_radians();
    let x = (lon + 180.0) / 360.0;
    let y = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0;
    [x, y]
}

/// Web Mercator world pixels at `zoom` (256 px tiles), as Leaflet projects.
#[cfg(test)]
fn pixels(at: [f64; 2], zoom: f64) -> [f64; 2] {
    let size = 256.0 * zoom.exp2();
    let [x, y] = unit(at);
    [x * size, y * size]
}

/// The markers for `points` at `zoom`. Points are taken in id order, so the same input gives
/// the same clusters.
pub fn markers(points: &[Point], zoom: f64) -> Vec<Marker> {
    Index::new(points).markers(zoom)
}

/// Points made ready to cluster at any zoom: those with a position, in id order, each
/// projected once. A map keeps one per layer and asks it for the markers of each zoom.
#[derive(Debug, Clone, Default)]
pub struct Index {
    points: Vec<Point>,
    /// Each point's [`unit`] position.
    unit: Vec<[f64; 2]>,
}

impl Index {
    pub fn new(points: &[Point]) -> Index {
        let mut points: Vec<Point> = points
            .iter()
            .copied()
            .filter(|p| p.at.iter().all(|c| c.is_finite()))
            .collect();
        points.sort_by_key(|p| p.id);
        let unit = points.iter().map(|p| unit(p.at)).collect();
        Index { points, unit }
    }

    pub fn len(&self) -> usize {
        self.points.len()
    }

    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// The markers at `zoom`. Greedy: each point not yet taken (in id order) gathers the
    /// untaken points within the radius. Its neighbours are among the points of the 3 × 3
    /// radius-sized cells around it, which are three runs of the points sorted by cell (row,
    /// then column): no map of cells, no allocation per cell, and the scan of a run reads
    /// memory in order.
    pub fn markers(&self, zoom: f64) -> Vec<Marker> {
        if self.points.len() <= CLUSTER_FROM || zoom >= MAX_CLUSTER_ZOOM {
            return self.points.iter().copied().map(Marker::Single).collect();
        }
        let size = 256.0 * zoom.exp2();
        // Each point in pixels and its cell; sorted by cell below.
        let mut cells: Vec<Cell> = self
            .unit
            .iter()
            .zip(0u32..)
            .map(|([x, y], point)| {
                let (x, y) = (x * size, y * size);
                let (row, column) = ((y / RADIUS_PX).floor(), (x / RADIUS_PX).floor());
                Cell {
                    // Rows and columns are below 2^25 up to zoom 17: one key holds both.
                    key: ((row as u64) << 32) | column as u64,
                    x,
                    y,
                    point,
                }
            })
            .collect();
        cells.sort_unstable_by_key(|c| c.key);
        // Where each row of cells starts in `cells` (a search within one row stays in a small
        // stretch of memory; one over all points would miss the cache at every step).
        let row_of = |c: &Cell| c.key >> 32;
        let (top, bottom) = match (cells.first(), cells.last()) {
            (Some(first), Some(last)) => (row_of(first), row_of(last)),
            _ => return Vec::new(),
        };
        let mut row_start = vec![0usize; (bottom - top + 2) as usize];
        for c in &cells {
            row_start[(row_of(c) - top + 1) as usize] += 1;
        }
        for r in 1..row_start.len() {
            row_start[r] += row_start[r - 1];
        }
        // Where each point (by its place in id order) is in `cells`.
        let mut at = vec![0u32; cells.len()];
        for (place, c) in (0u32..).zip(&cells) {
            at[c.point as usize] = place;
        }
        let mut taken = vec![false; cells.len()];
        let mut out = Vec::new();
        let mut members = Vec::new();
        let r2 = RADIUS_PX * RADIUS_PX;
        for &place in &at {
            let seed = cells[place as usize];
            if taken[place as usize] {
                continue;
            }
            taken[place as usize] = true;
            members.clear();
            members.push(seed.point);
            let (row, column) = (seed.key >> 32, seed.key & 0xFFFF_FFFF);
            for r in row.saturating_sub(1).max(top)..=(row + 1).min(bottom) {
                let (first, last) = (
                    (r << 32) | column.saturating_sub(1),
                    (r << 32) | (column + 1),
                );
                let in_row = row_start[(r - top) as usize]..row_start[(r - top + 1) as usize];
                let run = &cells[in_row.clone()];
                let from = in_row.start + run.partition_point(|c| c.key < first);
                let to = in_row.start + run.partition_point(|c| c.key <= last);
                for (c, t) in cells[from..to].iter().zip(&mut taken[from..to]) {
                    let (dx, dy) = (c.x - seed.x, c.y - seed.y);
                    if !*t && dx * dx + dy * dy <= r2 {
                        *t = true;
                        members.push(c.point);
                    }
                }
            }
            out.push(if members.len() == 1 {
                Marker::Single(self.points[seed.point as usize])
            } else {
                // In id order: the centre, a sum, then does not depend on the scan's order.
                members.sort_unstable();
                cluster_of(members.iter().map(|&i| self.points[i as usize]))
            });
        }
        out
    }
}

/// A point at one zoom: its cell (row and column in one key), pixels and place in id order.
#[derive(Debug, Clone, Copy)]
struct Cell {
    key: u64,
    x: f64,
    y: f64,
    point: u32,
}

impl Marker {
    /// Where the marker is drawn, `[lon, lat]`.
    pub fn position(&self) -> [f64; 2] {
        match self {
            Marker::Single(p) => p.at,
            Marker::Cluster(c) => c.centre,
        }
    }
}

/// How far beyond the view, as a fraction of its width and height on every side, markers are
/// drawn: a short pan then shows no empty edge before they are brought up to date when it
/// ends. A wider margin draws more markers on every move and makes a very dense layer's canvas
/// larger, and every frame of a pan moves all of it.
pub const MARGIN: f64 = 0.1;

/// A map view's `[[west, south], [east, north]]` grown by [`MARGIN`] on every side: the area
/// whose markers are drawn.
pub fn around(view: [[f64; 2]; 2]) -> [[f64; 2]; 2] {
    let [[west, south], [east, north]] = view;
    let (w, h) = ((east - west) * MARGIN, (north - south) * MARGIN);
    [[west - w, south - h], [east + w, north + h]]
}

/// The markers at positions inside `area` (`[[west, south], [east, north]]`).
pub fn within(markers: &[Marker], area: [[f64; 2]; 2]) -> impl Iterator<Item = &Marker> {
    let [[west, south], [east, north]] = area;
    markers.iter().filter(move |m| {
        let [lon, lat] = m.position();
        (west..=east).contains(&lon) && (south..=north).contains(&lat)
    })
}

fn cluster_of(points: impl Iterator<Item = Point>) -> Marker {
    let mut ids = Vec::new();
    let (mut sum, mut min, mut max) = ([0.0, 0.0], [f64::MAX; 2], [f64::MIN; 2]);
    for p in points {
        ids.push(p.id);
        for k in 0..2 {
            sum[k] += p.at[k];
            min[k] = min[k].min(p.at[k]);
            max[k] = max[k].max(p.at[k]);
        }
    }
    ids.sort_unstable();
    let n = ids.len() as f64;
    Marker::Cluster(Cluster {
        centre: [sum[0] / n, sum[1] / n],
        bounds: [min, max],
        ids,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_markers_around_the_view_are_drawn() {
        let view = [[7.80, 51.67], [7.82, 51.68]];
        let area = around(view);
        let expected = [[7.798, 51.669], [7.822, 51.681]];
        for (a, e) in area.iter().flatten().zip(expected.iter().flatten()) {
            assert!((a - e).abs() < 1e-9, "{area:?}");
        }
        let single = |lon: f64, lat: f64| {
            Marker::Single(Point {
                id: 1,
                at: [lon, lat],
            })
        };
        let far = cluster_of(
            [
                Point {
                    id: 2,
                    at: [7.9, 51.7],
                },
                Point {
                    id: 3,
                    at: [7.95, 51.7],
                },
            ]
            .into_iter(),
        );
        let markers = vec![
            single(7.81, 51.675),
            single(7.79, 51.675),
            single(7.799, 51.6805),
            far,
        ];
        let shown: Vec<_> = within(&markers, area).collect();
        assert_eq!(
            shown,
            vec![&markers[0], &markers[2]],
            "inside the grown view only"
        );
        let [lon, lat] = markers[3].position();
        assert!(
            (lon - 7.925).abs() < 1e-9 && (lat - 51.7).abs() < 1e-9,
            "a cluster stands at its centre"
        );
    }

    /// `n` points on a regular grid `step` degrees apart, around the Westentor.
    fn grid(n: usize, step: f64) -> Vec<Point> {
        let side = (n as f64).sqrt().ceil() as usize;
        (0..n)
            .map(|i| Point {
                id: i as i64 + 1,
                at: [
                    7.81 + (i % side) as f64 * step,
                    51.68 + (i / side) as f64 * step,
                ],
            })
            .collect()
    }

    fn total(markers: &[Marker]) -> usize {
        markers
            .iter()
            .map(|m| match m {
                Marker::Single(_) => 1,
                Marker::Cluster(c) => c.count(),
            })
            .sum()
    }

    #[test]
    fn few_points_never_cluster() {
        let points = grid(CLUSTER_FROM, 0.0001);
        let markers = markers(&points, 10.0);
        assert_eq!(markers.len(), CLUSTER_FROM);
        assert!(markers.iter().all(|m| matches!(m, Marker::Single(_))));
    }

    #[test]
    fn dense_points_merge_and_every_point_is_counted_once() {
        let points = grid(1000, 0.0005);
        let at_city = markers(&points, 11.0);
        assert_eq!(total(&at_city), 1000);
        assert!(at_city.len() < 20, "{} markers at city zoom", at_city.len());
        let mut ids: Vec<i64> = at_city
            .iter()
            .flat_map(|m| match m {
                Marker::Single(p) => vec![p.id],
                Marker::Cluster(c) => c.ids.clone(),
            })
            .collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 1000, "no point in two clusters");
    }

    #[test]
    fn zooming_in_splits_clusters() {
        let points = grid(400, 0.0005);
        let counts: Vec<usize> = [11.0, 13.0, 15.0, 16.5, 17.0]
            .iter()
            .map(|z| markers(&points, *z).len())
            .collect();
        assert!(counts.windows(2).all(|w| w[0] <= w[1]), "{counts:?}");
        // At street level every point stands alone.
        assert_eq!(counts[4], 400);
    }

    #[test]
    fn points_farther_apart_than_the_radius_stay_single() {
        // 0.01° of longitude at 51.7° N is about 690 m: at zoom 16 that is ~1,200 px.
        let points = grid(100, 0.01);
        let markers = markers(&points, 16.0);
        assert_eq!(markers.len(), 100);
    }

    #[test]
    fn a_cluster_knows_its_centre_and_bounds() {
        let mut points = grid(60, 0.0);
        points[0].at = [7.80, 51.67];
        points[1].at = [7.82, 51.69];
        for p in points.iter_mut().skip(2) {
            p.at = [7.81, 51.68];
        }
        let markers = markers(&points, 9.0);
        let [Marker::Cluster(c)] = markers.as_slice() else {
            panic!("one cluster expected: {markers:?}");
        };
        assert_eq!(c.count(), 60);
        assert_eq!(c.bounds, [[7.80, 51.67], [7.82, 51.69]]);
        assert!((c.centre[0] - 7.81).abs() < 1e-9 && (c.centre[1] - 51.68).abs() < 1e-9);
    }

    #[test]
    fn the_result_does_not_depend_on_input_order() {
        let points = grid(500, 0.0007);
        let mut reversed = points.clone();
        reversed.reverse();
        assert_eq!(markers(&points, 12.0), markers(&reversed, 12.0));
    }

    /// The greedy clustering done the slow way: every untaken point is compared with every
    /// seed, no grid.
    fn brute_force(points: &[Point], zoom: f64) -> Vec<Marker> {
        let mut sorted = points.to_vec();
        sorted.sort_by_key(|p| p.id);
        let px: Vec<[f64; 2]> = sorted.iter().map(|p| pixels(p.at, zoom)).collect();
        let mut taken = vec![false; sorted.len()];
        let mut out = Vec::new();
        for i in 0..sorted.len() {
            if taken[i] {
                continue;
            }
            let near: Vec<usize> = (i..sorted.len())
                .filter(|&j| {
                    let d = [px[j][0] - px[i][0], px[j][1] - px[i][1]];
                    !taken[j] && d[0] * d[0] + d[1] * d[1] <= RADIUS_PX * RADIUS_PX
                })
                .collect();
            for &j in &near {
                taken[j] = true;
            }
            out.push(if near.len() == 1 {
                Marker::Single(sorted[i])
            } else {
                cluster_of(near.iter().map(|&j| sorted[j]))
            });
        }
        out
    }

    #[test]
    fn one_index_clusters_every_zoom_as_comparing_every_pair_would() {
        // Scattered points (a fixed sequence) and a clump, ids out of order: the grid's cells,
        // rows and their edges must not change which points merge.
        let mut state: u64 = 7;
        let mut next = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut points: Vec<Point> = (0..1500)
            .map(|i| Point {
                id: (i * 7919) % 1500,
                at: [7.70 + next() * 0.27, 51.60 + next() * 0.16],
            })
            .collect();
        points.extend((0..200).map(|i| Point {
            id: 2000 + i,
            at: [7.81 + next() * 0.001, 51.68 + next() * 0.001],
        }));
        let index = Index::new(&points);
        assert_eq!(index.len(), points.len());
        for zoom in [8.0, 10.5, 11.75, 13.0, 14.25, 16.0] {
            let fast = index.markers(zoom);
            assert_eq!(fast, brute_force(&points, zoom), "zoom {zoom}");
            assert_eq!(total(&fast), points.len());
        }
        // A point without a position is left out, not drawn at a wrong place.
        let mut broken = points.clone();
        broken[0].at[1] = f64::NAN;
        assert_eq!(Index::new(&broken).len(), points.len() - 1);
    }

    #[test]
    fn the_projection_matches_leaflets() {
        // Leaflet's EPSG:3857 (R = 6378137, scale 0.5 / πR, 256 px tiles), worked out by hand:
        // project([0, 0], 0) = (128, 128); [51.68, 7.81] at zoom 11 = (273518.14, 173934.52).
        assert_eq!(pixels([0.0, 0.0], 0.0), [128.0, 128.0]);
        let [x, y] = pixels([7.81, 51.68], 11.0);
        assert!((x - 273_518.14).abs() < 0.01, "{x}");
        assert!((y - 173_934.52).abs() < 0.01, "{y}");
    }
}
