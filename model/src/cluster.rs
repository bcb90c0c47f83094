//! Point clustering for the map: at a zoom level, points closer than a radius in screen pixels
//! merge into one cluster with a count. Greedy, like supercluster: each point not yet taken
//! gathers the untaken points within the radius, found through a grid of radius-sized cells,
//! so one pass is O(n) for evenly spread points and the result does not depend on cell edges.

use std::collections::HashMap;

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

/// Web Mercator world pixels at `zoom` (256 px tiles), as Leaflet projects.
fn pixels([lon, lat]: [f64; 2], zoom: f64) -> [f64; 2] {
    let size = 256.0 * zoom.exp2();
    let lat = lat.clamp(-85.051_128_78, 85.051_128_78).to_radians();
    let x = (lon + 180.0) / 360.0 * size;
    let y = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * size;
    [x, y]
}

/// The markers for `points` at `zoom`. Points are taken in id order, so the same input gives
/// the same clusters.
pub fn markers(points: &[Point], zoom: f64) -> Vec<Marker> {
    if points.len() <= CLUSTER_FROM || zoom >= MAX_CLUSTER_ZOOM {
        return points.iter().copied().map(Marker::Single).collect();
    }
    let mut sorted: Vec<Point> = points
        .iter()
        .copied()
        .filter(|p| p.at.iter().all(|c| c.is_finite()))
        .collect();
    sorted.sort_by_key(|p| p.id);
    let px: Vec<[f64; 2]> = sorted.iter().map(|p| pixels(p.at, zoom)).collect();
    let cell = |[x, y]: [f64; 2]| {
        (
            (x / RADIUS_PX).floor() as i64,
            (y / RADIUS_PX).floor() as i64,
        )
    };
    let mut grid: HashMap<(i64, i64), Vec<usize>> = HashMap::with_capacity(sorted.len());
    for (i, p) in px.iter().enumerate() {
        grid.entry(cell(*p)).or_default().push(i);
    }
    let mut taken = vec![false; sorted.len()];
    let mut out = Vec::new();
    let r2 = RADIUS_PX * RADIUS_PX;
    for i in 0..sorted.len() {
        if taken[i] {
            continue;
        }
        taken[i] = true;
        let (cx, cy) = cell(px[i]);
        let mut members = vec![i];
        for dx in -1..=1 {
            for dy in -1..=1 {
                for &j in grid.get(&(cx + dx, cy + dy)).into_iter().flatten() {
                    let d = [px[j][0] - px[i][0], px[j][1] - px[i][1]];
                    if !taken[j] && d[0] * d[0] + d[1] * d[1] <= r2 {
                        taken[j] = true;
                        members.push(j);
                    }
                }
            }
        }
        out.push(if members.len() == 1 {
            Marker::Single(sorted[i])
        } else {
            cluster_of(members.iter().map(|&j| sorted[j]))
        });
    }
    out
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
