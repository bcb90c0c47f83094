//! Plain geometry on lon/lat positions: containment, distance, and the checks every stored
//! place passes (inside Hamm, well-formed, bounded).

use std::sync::OnceLock;

use geojson::{Geometry, GeometryValue, Position};

use crate::{District, DistrictKey, hamm, projection::LocalProjection, validation::Problems};

/// Most vertices one geometry may have.
pub const MAX_VERTICES: usize = 2_000;

/// Which geometry types a field accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Point,
    PointOrPolygon,
    LineString,
}

impl Shape {
    fn describe(self) -> &'static str {
        match self {
            Shape::Point => "a Point",
            Shape::PointOrPolygon => "a Point or a Polygon",
            Shape::LineString => "a LineString",
        }
    }
}

fn outline() -> &'static [[f64; 2]] {
    static OUTLINE: OnceLock<Vec<[f64; 2]>> = OnceLock::new();
    OUTLINE.get_or_init(|| hamm::outline().unwrap_or_default())
}

pub(crate) fn projection() -> LocalProjection {
    LocalProjection::new(7.8365, 51.6614)
}

/// Ray casting on a closed ring.
pub fn ring_contains(ring: &[[f64; 2]], [x, y]: [f64; 2]) -> bool {
    let mut inside = false;
    for w in ring.windows(2) {
        let (a, b) = (w[0], w[1]);
        if (a[1] > y) != (b[1] > y) && x < (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]) + a[0] {
            inside = !inside;
        }
    }
    inside
}

fn to_pair(p: &Position) -> [f64; 2] {
    [p[0], p[1]]
}

fn rings(value: &GeometryValue) -> Vec<Vec<Vec<[f64; 2]>>> {
    let poly = |rings: &Vec<Vec<Position>>| -> Vec<Vec<[f64; 2]>> {
        rings
            .iter()
            .map(|r| r.iter().map(to_pair).collect())
            .collect()
    };
    match value {
        GeometryValue::Polygon { coordinates } => vec![poly(coordinates)],
        GeometryValue::MultiPolygon { coordinates } => coordinates.iter().map(poly).collect(),
        _ => vec![],
    }
}

/// Is `point` inside a Polygon or MultiPolygon (holes excluded)?
pub fn polygon_contains(value: &GeometryValue, point: [f64; 2]) -> bool {
    rings(value).iter().any(|rs| {
        rs.first().is_some_and(|outer| ring_contains(outer, point))
            && !rs[1..].iter().any(|hole| ring_contains(hole, point))
    })
}

/// Every vertex of a geometry.
pub fn vertices(value: &GeometryValue) -> Vec<[f64; 2]> {
    match value {
        GeometryValue::Point { coordinates } => vec![to_pair(coordinates)],
        GeometryValue::LineString { coordinates } | GeometryValue::MultiPoint { coordinates } => {
            coordinates.iter().map(to_pair).collect()
        }
        GeometryValue::Polygon { .. } | GeometryValue::MultiPolygon { .. } => {
            rings(value).into_iter().flatten().flatten().collect()
        }
        GeometryValue::MultiLineString { coordinates } => {
            coordinates.iter().flatten().map(to_pair).collect()
        }
        GeometryValue::GeometryCollection { geometries } => {
            geometries.iter().flat_map(|g| vertices(&g.value)).collect()
        }
    }
}

/// A representative point: the Point itself, a polygon's vertex average if inside, else its
/// first vertex; a line's middle vertex.
pub fn anchor(value: &GeometryValue) -> Option<[f64; 2]> {
    let vs = vertices(value);
    match value {
        GeometryValue::Polygon { .. } | GeometryValue::MultiPolygon { .. } => {
            let n = vs.len().saturating_sub(1).max(1) as f64;
            let c = vs
                .iter()
                .take(vs.len().saturating_sub(1).max(1))
                .fold([0.0, 0.0], |a, p| [a[0] + p[0] / n, a[1] + p[1] / n]);
            if polygon_contains(value, c) {
                Some(c)
            } else {
                vs.first().copied()
            }
        }
        _ => vs.get(vs.len() / 2).copied(),
    }
}

/// The district a position lies in. A position in a rounding sliver between districts goes to
/// the district with the nearest vertex.
pub fn district_of(point: [f64; 2], districts: &[District]) -> Option<DistrictKey> {
    if let Some(d) = districts
        .iter()
        .find(|d| polygon_contains(&d.geometry.value, point))
    {
        return Some(d.properties.key);
    }
    if !ring_contains(outline(), point) {
        return None;
    }
    districts
        .iter()
        .map(|d| {
            let best = vertices(&d.geometry.value)
                .into_iter()
                .map(|v| distance_m(v, point))
                .fold(f64::INFINITY, f64::min);
            (d.properties.key, best)
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(k, _)| k)
}

/// Every district a geometry touches (by its vertices and anchor), in official order.
pub fn districts_of(value: &GeometryValue, districts: &[District]) -> Vec<DistrictKey> {
    let mut keys: Vec<DistrictKey> = vertices(value)
        .into_iter()
        .chain(anchor(value))
        .filter_map(|p| district_of(p, districts))
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// Distance in metres between two positions (local projection; exact enough within the city).
pub fn distance_m(a: [f64; 2], b: [f64; 2]) -> f64 {
    let p = projection();
    let (a, b) = (p.forward(a), p.forward(b));
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt() * 1000.0
}

/// Distance from `p` to the segment `ab`, in the units of the plane they are given in
/// (a projected plane, not degrees).
pub(crate) fn point_segment(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
    };
    let (cx, cy) = (a[0] + t * dx, a[1] + t * dy);
    ((p[0] - cx).powi(2) + (p[1] - cy).powi(2)).sqrt()
}

fn segment_distance_m(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    let proj = projection();
    point_segment(proj.forward(p), proj.forward(a), proj.forward(b)) * 1000.0
}

/// Shortest distance in metres from a point to a line (its segments).
pub fn distance_to_line_m(point: [f64; 2], line: &[[f64; 2]]) -> f64 {
    match line {
        [] => f64::INFINITY,
        [only] => distance_m(point, *only),
        _ => line
            .windows(2)
            .map(|w| segment_distance_m(point, w[0], w[1]))
            .fold(f64::INFINITY, f64::min),
    }
}

/// Shortest distance in metres between a hotspot geometry (point or area) and a route line;
/// zero where the line enters the area.
pub fn distance_between_m(place: &GeometryValue, line: &[[f64; 2]]) -> f64 {
    match place {
        GeometryValue::Point { coordinates } => distance_to_line_m(to_pair(coordinates), line),
        GeometryValue::Polygon { .. } | GeometryValue::MultiPolygon { .. } => {
            let edges = vertices(place);
            let crosses = line.windows(2).any(|l| {
                edges
                    .windows(2)
                    .any(|e| segments_intersect(l[0], l[1], e[0], e[1]))
            });
            if crosses || line.iter().any(|&p| polygon_contains(place, p)) {
                return 0.0;
            }
            let to_edges = line
                .iter()
                .map(|&p| distance_to_line_m(p, &edges))
                .fold(f64::INFINITY, f64::min);
            let from_edges = edges
                .iter()
                .map(|&p| distance_to_line_m(p, line))
                .fold(f64::INFINITY, f64::min);
            to_edges.min(from_edges)
        }
        _ => f64::INFINITY,
    }
}

/// Do segments `ab` and `cd` share a point? (Orientation test; collinear overlaps count.)
pub fn segments_intersect(a: [f64; 2], b: [f64; 2], c: [f64; 2], d: [f64; 2]) -> bool {
    let orient = |p: [f64; 2], q: [f64; 2], r: [f64; 2]| {
        (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
    };
    let on_segment = |p: [f64; 2], q: [f64; 2], r: [f64; 2]| {
        r[0] >= p[0].min(q[0])
            && r[0] <= p[0].max(q[0])
            && r[1] >= p[1].min(q[1])
            && r[1] <= p[1].max(q[1])
    };
    let (d1, d2, d3, d4) = (
        orient(c, d, a),
        orient(c, d, b),
        orient(a, b, c),
        orient(a, b, d),
    );
    if ((d1 > 0.0 && d2 < 0.0) || (d1 < 0.0 && d2 > 0.0))
        && ((d3 > 0.0 && d4 < 0.0) || (d3 < 0.0 && d4 > 0.0))
    {
        return true;
    }
    (d1 == 0.0 && on_segment(c, d, a))
        || (d2 == 0.0 && on_segment(c, d, b))
        || (d3 == 0.0 && on_segment(a, b, c))
        || (d4 == 0.0 && on_segment(a, b, d))
}

/// Checks a geometry for a field: the right type, finite coordinates, well-formed rings and
/// lines, at most [`MAX_VERTICES`] vertices, every vertex inside the city of Hamm.
pub fn check_geometry(problems: &mut Problems, field: &str, geometry: &Geometry, shape: Shape) {
    let value = &geometry.value;
    let type_ok = matches!(
        (shape, value),
        (
            Shape::Point | Shape::PointOrPolygon,
            GeometryValue::Point { .. }
        ) | (Shape::PointOrPolygon, GeometryValue::Polygon { .. })
            | (Shape::LineString, GeometryValue::LineString { .. })
    );
    if !type_ok {
        problems.add(
            field,
            format!("must be {}, not a {}", shape.describe(), value.type_name()),
        );
        return;
    }
    let vs = vertices(value);
    if vs.len() > MAX_VERTICES {
        problems.add(field, format!("must have at most {MAX_VERTICES} vertices"));
        return;
    }
    let positions_ok = match value {
        GeometryValue::Point { coordinates } => coordinates.len() >= 2,
        GeometryValue::LineString { coordinates } => coordinates.iter().all(|p| p.len() >= 2),
        GeometryValue::Polygon { coordinates } => {
            coordinates.iter().flatten().all(|p| p.len() >= 2)
        }
        _ => true,
    };
    if !positions_ok || vs.iter().flatten().any(|c| !c.is_finite()) {
        problems.add(
            field,
            "every position needs a finite longitude and latitude",
        );
        return;
    }
    match value {
        GeometryValue::LineString { coordinates } if coordinates.len() < 2 => {
            problems.add(field, "a line needs at least two positions");
            return;
        }
        GeometryValue::Polygon { coordinates } => {
            let bad_ring = coordinates.is_empty()
                || coordinates
                    .iter()
                    .any(|r| r.len() < 4 || r.first() != r.last());
            if bad_ring {
                problems.add(
                    field,
                    "polygon rings must be closed and have at least four positions",
                );
                return;
            }
        }
        _ => {}
    }
    if let Some(outside) = vs.iter().find(|&&p| !ring_contains(outline(), p)) {
        problems.add(
            field,
            format!(
                "position [{}, {}] lies outside Hamm (expected [longitude, latitude])",
                outside[0], outside[1]
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WESTENTOR: [f64; 2] = [7.8137, 51.68016];

    fn problems_of(g: Geometry, shape: Shape) -> Vec<crate::validation::FieldError> {
        let mut p = Problems::default();
        check_geometry(&mut p, "geometry", &g, shape);
        p.into_result().err().unwrap_or_default()
    }

    #[test]
    fn a_point_in_the_city_centre_is_accepted() {
        assert!(problems_of(Geometry::new_point(WESTENTOR), Shape::Point).is_empty());
    }

    #[test]
    fn swapped_coordinates_are_outside_hamm() {
        let errs = problems_of(Geometry::new_point([51.68016, 7.8137]), Shape::Point);
        assert_eq!(errs.len(), 1);
        assert!(errs[0].reason.contains("outside Hamm"), "{:?}", errs);
    }

    #[test]
    fn the_wrong_type_is_named() {
        let errs = problems_of(Geometry::new_point(WESTENTOR), Shape::LineString);
        assert_eq!(errs[0].reason, "must be a LineString, not a Point");
    }

    #[test]
    fn open_rings_and_short_lines_are_refused() {
        let open =
            Geometry::new_polygon([[[7.81, 51.68], [7.82, 51.68], [7.82, 51.685], [7.81, 51.681]]]);
        assert!(
            problems_of(open, Shape::PointOrPolygon)[0]
                .reason
                .contains("closed")
        );
        let short = Geometry::new_line_string([WESTENTOR]);
        assert!(
            problems_of(short, Shape::LineString)[0]
                .reason
                .contains("two positions")
        );
    }

    #[test]
    fn non_finite_coordinates_are_refused() {
        let errs = problems_of(Geometry::new_point([f64::NAN, 51.68]), Shape::Point);
        assert!(errs[0].reason.contains("finite"));
    }

    #[test]
    fn distances_are_in_metres() {
        // 0.001° of latitude is about 111 m.
        let d = distance_m([7.81, 51.68], [7.81, 51.681]);
        assert!((d - 111.2).abs() < 0.5, "{d}");
        let line = [[7.80, 51.68], [7.82, 51.68]];
        let d = distance_to_line_m([7.81, 51.681], &line);
        assert!((d - 111.2).abs() < 0.5, "{d}");
        let area = Geometry::new_polygon([[
            [7.805, 51.675],
            [7.815, 51.675],
            [7.815, 51.685],
            [7.805, 51.685],
            [7.805, 51.675],
        ]]);
        assert_eq!(distance_between_m(&area.value, &line), 0.0);
    }
}
