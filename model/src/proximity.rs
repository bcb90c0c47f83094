//! Does a route pass within a distance of a hotspot? Asked for every hotspot and route of a
//! week's coverage, so each geometry is projected to metres once ([`Place`], [`Path`]) and
//! each question stops at the first answer it can give:
//! - bounding boxes further apart than the distance: no, without looking further;
//! - a route vertex inside an area: yes;
//! - otherwise a route segment within the distance of an area edge or the point (crossing
//!   edges are at distance zero), looking only at segments and edges whose boxes are near.
//!
//! The answer is the same as `geometry::distance_between_m(place, line) <= limit` (a test
//! holds them together); 100 areas of 500 vertices against 50 routes of 2,000 vertices took
//! that 114 s, and the whole coverage answer now takes 68 ms (`cargo bench -p model --bench
//! coverage`).

use geojson::GeometryValue;

use crate::{
    geometry::{self, point_segment},
    projection::LocalProjection,
};

/// An axis-aligned box in metres: `[min x, min y, max x, max y]`.
type Bounds = [f64; 4];

/// The box around `points` (in whatever plane they are given).
pub(crate) fn bounds_of(points: impl IntoIterator<Item = [f64; 2]>) -> Bounds {
    points.into_iter().fold(
        [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ],
        |b, [x, y]| [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)],
    )
}

/// Are `a` and `b` within `d` of each other (their gap on both axes at most `d`)?
fn near(a: &Bounds, b: &Bounds, d: f64) -> bool {
    a[0] - d <= b[2] && b[0] - d <= a[2] && a[1] - d <= b[3] && b[1] - d <= a[3]
}

fn segment_bounds(a: [f64; 2], b: [f64; 2]) -> Bounds {
    [
        a[0].min(b[0]),
        a[1].min(b[1]),
        a[0].max(b[0]),
        a[1].max(b[1]),
    ]
}

/// The planar projection used for distances (the same as `geometry`'s), in metres.
fn to_metres(p: [f64; 2]) -> [f64; 2] {
    let [x, y] = LocalProjection::new(7.8365, 51.6614).forward(p);
    [x * 1000.0, y * 1000.0]
}

/// Distance between segments `ab` and `cd`: zero where they meet, else the least distance of
/// an end to the other segment.
fn segment_segment(a: [f64; 2], b: [f64; 2], c: [f64; 2], d: [f64; 2]) -> f64 {
    if geometry::segments_intersect(a, b, c, d) {
        return 0.0;
    }
    point_segment(a, c, d)
        .min(point_segment(b, c, d))
        .min(point_segment(c, a, b))
        .min(point_segment(d, a, b))
}

/// A hotspot's place in metres: a point, or areas (each a list of rings, the first the outer
/// boundary, the others holes).
#[derive(Debug, Clone)]
pub struct Place {
    shape: Shape,
    bounds: Bounds,
}

#[derive(Debug, Clone)]
enum Shape {
    Point([f64; 2]),
    Areas(Vec<Vec<Vec<[f64; 2]>>>),
    /// Neither: near nothing.
    Nothing,
}

impl Place {
    pub fn of(value: &GeometryValue) -> Place {
        let ring = |r: &Vec<geojson::Position>| -> Vec<[f64; 2]> {
            r.iter().map(|p| to_metres([p[0], p[1]])).collect()
        };
        let shape = match value {
            GeometryValue::Point { coordinates } => {
                Shape::Point(to_metres([coordinates[0], coordinates[1]]))
            }
            GeometryValue::Polygon { coordinates } => {
                Shape::Areas(vec![coordinates.iter().map(ring).collect()])
            }
            GeometryValue::MultiPolygon { coordinates } => Shape::Areas(
                coordinates
                    .iter()
                    .map(|poly| poly.iter().map(ring).collect())
                    .collect(),
            ),
            _ => Shape::Nothing,
        };
        let bounds = match &shape {
            Shape::Point(p) => bounds_of([*p]),
            Shape::Areas(areas) => bounds_of(areas.iter().flatten().flatten().copied()),
            Shape::Nothing => bounds_of([]),
        };
        Place { shape, bounds }
    }

    fn contains(areas: &[Vec<Vec<[f64; 2]>>], p: [f64; 2]) -> bool {
        areas.iter().any(|rings| {
            rings
                .first()
                .is_some_and(|outer| geometry::ring_contains(outer, p))
                && !rings[1..]
                    .iter()
                    .any(|hole| geometry::ring_contains(hole, p))
        })
    }

    /// Does `path` come within `limit` metres of this place (or enter it)?
    pub fn is_within(&self, path: &Path, limit: f64) -> bool {
        if path.points.is_empty() || !near(&self.bounds, &path.bounds, limit) {
            return false;
        }
        // A one-vertex line is a segment of no length.
        let segments = path
            .points
            .windows(2)
            .map(|w| (w[0], w[1]))
            .chain((path.points.len() == 1).then(|| (path.points[0], path.points[0])));
        match &self.shape {
            Shape::Nothing => false,
            Shape::Point(p) => segments.into_iter().any(|(a, b)| {
                near(&segment_bounds(a, b), &bounds_of([*p]), limit)
                    && point_segment(*p, a, b) <= limit
            }),
            Shape::Areas(areas) => {
                let inside = path.points.iter().any(|&v| {
                    near(&self.bounds, &bounds_of([v]), 0.0) && Place::contains(areas, v)
                });
                inside
                    || segments.into_iter().any(|(a, b)| {
                        let sb = segment_bounds(a, b);
                        near(&sb, &self.bounds, limit)
                            && areas.iter().flatten().any(|ring| {
                                ring.windows(2).any(|e| {
                                    near(&sb, &segment_bounds(e[0], e[1]), limit)
                                        && segment_segment(a, b, e[0], e[1]) <= limit
                                })
                            })
                    })
            }
        }
    }
}

/// A route's line in metres, with its bounding box.
#[derive(Debug, Clone)]
pub struct Path {
    points: Vec<[f64; 2]>,
    bounds: Bounds,
}

impl Path {
    /// `line` as `[lon, lat]` vertices.
    pub fn of(line: &[[f64; 2]]) -> Path {
        let points: Vec<[f64; 2]> = line.iter().map(|&p| to_metres(p)).collect();
        Path {
            bounds: bounds_of(points.iter().copied()),
            points,
        }
    }
}

#[cfg(test)]
mod tests {
    use geojson::Position;

    use super::*;

    /// A deterministic stream of numbers in `[0, 1)`.
    fn random(seed: u64) -> impl FnMut() -> f64 {
        let mut state = seed;
        move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    const CENTRE: [f64; 2] = [7.8137, 51.6802];

    /// Metres east and north of the centre, as `[lon, lat]`.
    fn at(east: f64, north: f64) -> [f64; 2] {
        [CENTRE[0] + east / 69_200.0, CENTRE[1] + north / 111_200.0]
    }

    #[test]
    fn the_answer_is_the_distance_compared_with_the_limit() {
        let mut r = random(7);
        let mut near_ones = 0;
        for case in 0..400 {
            // An area (a rough circle, sometimes with a hole) or a point, and a short line.
            let centre = [(r() - 0.5) * 1_500.0, (r() - 0.5) * 1_500.0];
            let radius = 20.0 + r() * 300.0;
            let ring = |radius: f64, r: &mut dyn FnMut() -> f64| {
                let n = 5 + (r() * 20.0) as usize;
                let mut ring: Vec<Position> = (0..n)
                    .map(|k| {
                        let a = k as f64 / n as f64 * std::f64::consts::TAU;
                        let wobble = 0.7 + r() * 0.3;
                        Position::from(at(
                            centre[0] + a.cos() * radius * wobble,
                            centre[1] + a.sin() * radius * wobble,
                        ))
                    })
                    .collect();
                ring.push(ring[0].clone());
                ring
            };
            let place = match case % 3 {
                0 => GeometryValue::Point {
                    coordinates: Position::from(at(centre[0], centre[1])),
                },
                1 => GeometryValue::Polygon {
                    coordinates: vec![ring(radius, &mut r)],
                },
                _ => GeometryValue::Polygon {
                    coordinates: vec![ring(radius, &mut r), ring(radius * 0.3, &mut r)],
                },
            };
            let start = [(r() - 0.5) * 2_000.0, (r() - 0.5) * 2_000.0];
            let line: Vec<[f64; 2]> = (0..1 + (r() * 6.0) as usize)
                .map(|k| {
                    at(
                        start[0] + k as f64 * (r() - 0.5) * 400.0,
                        start[1] + k as f64 * (r() - 0.5) * 400.0,
                    )
                })
                .collect();
            let expected = geometry::distance_between_m(&place, &line) <= 300.0;
            let got = Place::of(&place).is_within(&Path::of(&line), 300.0);
            assert_eq!(got, expected, "case {case}: {place:?} {line:?}");
            near_ones += usize::from(got);
        }
        // Both answers occur often enough for the comparison to mean something.
        assert!((60..340).contains(&near_ones), "{near_ones} of 400 near");
    }

    #[test]
    fn a_route_entering_an_area_through_its_edge_is_within_any_distance() {
        let square = GeometryValue::Polygon {
            coordinates: vec![
                [
                    at(0.0, 0.0),
                    at(500.0, 0.0),
                    at(500.0, 500.0),
                    at(0.0, 500.0),
                    at(0.0, 0.0),
                ]
                .map(Position::from)
                .to_vec(),
            ],
        };
        // Straight through, no vertex inside.
        let through = Path::of(&[at(-100.0, 250.0), at(600.0, 250.0)]);
        assert!(Place::of(&square).is_within(&through, 0.0));
        let beside = Path::of(&[at(-100.0, 700.0), at(600.0, 700.0)]);
        assert!(!Place::of(&square).is_within(&beside, 150.0));
        assert!(Place::of(&square).is_within(&beside, 250.0));
        // Far away: refused by the boxes alone.
        let far = Path::of(&[at(5_000.0, 5_000.0), at(5_100.0, 5_000.0)]);
        assert!(!Place::of(&square).is_within(&far, 300.0));
        assert!(!Place::of(&square).is_within(&Path::of(&[]), 1e9));
    }
}
