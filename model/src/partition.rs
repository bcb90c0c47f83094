//! Approximate district boundaries: a power diagram (weighted Voronoi) of the district reference
//! points, clipped to the city outline, with weights adjusted until every cell's area matches the
//! district's official area.
//!
//! Each cell is `outline ∩ { x : |x - pᵢ|² - wᵢ ≤ |x - pⱼ|² - wⱼ for all j }`. The constraints are
//! half-planes, so cells are convex regions clipped to the outline: they never overlap and together
//! cover the outline exactly. Raising `wᵢ` grows cell `i`; the update below is a fixed-point
//! iteration with no randomness, so the result is the same on every machine and every run.

use geo::{
    Area, BooleanOps, Centroid, Contains, Coord, InteriorPoint, LineString, MultiPolygon, Point,
    Polygon,
    orient::{Direction, Orient},
};

use crate::{
    district::{District, DistrictKey, DistrictProperties},
    hamm::{self, ReferenceDataError},
    projection::LocalProjection,
};

/// One generator of the diagram: a district's reference point and the area it should get.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    pub key: DistrictKey,
    /// `[lon, lat]`
    pub point: [f64; 2],
    /// Official area in km²; targets are scaled so that they add up to the outline's area.
    pub area_km2: f64,
}

/// One cell of the result, in lon/lat.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub key: DistrictKey,
    /// Exterior rings counter-clockwise, holes clockwise, rings closed (RFC 7946).
    pub geometry: MultiPolygon<f64>,
    /// Planar area in km² (local projection).
    pub area_km2: f64,
    /// `[lon, lat]` of a point well inside the cell for its label.
    pub label_point: [f64; 2],
}

#[derive(Debug, thiserror::Error)]
pub enum PartitionError {
    #[error("a partition needs at least one site")]
    NoSites,
    #[error("the outline needs at least three distinct vertices")]
    DegenerateOutline,
    #[error("site {0} lies outside the outline")]
    SiteOutside(DistrictKey),
    #[error("site {0} has a non-positive area")]
    NonPositiveArea(DistrictKey),
    #[error("areas did not converge within {iterations} iterations (worst error {worst:.4} %)")]
    NoConvergence { iterations: usize, worst: f64 },
    #[error(transparent)]
    ReferenceData(#[from] ReferenceDataError),
}

/// Relative area error at which the iteration stops (0.01 %).
const TOLERANCE: f64 = 1e-4;
const MAX_ITERATIONS: usize = 2000;
/// Output vertices are rounded to 1/10⁷ degree (≈ 1 cm).
const STEPS_PER_DEGREE: f64 = 1e7;

/// Partitions `outline` (a closed `[lon, lat]` ring) into one cell per site.
pub fn partition(outline: &[[f64; 2]], sites: &[Site]) -> Result<Vec<Cell>, PartitionError> {
    if sites.is_empty() {
        return Err(PartitionError::NoSites);
    }
    let (lon0, lat0) = centre(outline).ok_or(PartitionError::DegenerateOutline)?;
    let proj = LocalProjection::new(lon0, lat0);
    let outline_km = Polygon::new(
        outline.iter().map(|&p| to_coord(proj.forward(p))).collect(),
        vec![],
    );
    let outline_area = outline_km.unsigned_area();
    if outline_area <= 0.0 {
        return Err(PartitionError::DegenerateOutline);
    }
    let mut points = Vec::with_capacity(sites.len());
    for site in sites {
        let p = proj.forward(site.point);
        if !outline_km.contains(&Point::new(p[0], p[1])) {
            return Err(PartitionError::SiteOutside(site.key));
        }
        if site.area_km2 <= 0.0 {
            return Err(PartitionError::NonPositiveArea(site.key));
        }
        points.push(p);
    }
    let official_total: f64 = sites.iter().map(|s| s.area_km2).sum();
    let targets: Vec<f64> = sites
        .iter()
        .map(|s| s.area_km2 / official_total * outline_area)
        .collect();

    let frame = frame_around(&outline_km);
    let mut weights = vec![0.0; sites.len()];
    let mut worst = f64::INFINITY;
    for _ in 0..MAX_ITERATIONS {
        let cells = power_cells(&points, &weights, &frame, &outline_km);
        let areas: Vec<f64> = cells.iter().map(Area::unsigned_area).collect();
        worst = areas
            .iter()
            .zip(&targets)
            .map(|(a, t)| ((a - t) / t).abs())
            .fold(0.0, f64::max);
        if worst < TOLERANCE {
            return Ok(sites
                .iter()
                .zip(cells)
                .map(|(site, cell)| to_cell(site.key, &cell, &proj))
                .collect());
        }
        // A cell that is too small gets a larger weight. Dividing the missing area by π turns it
        // into a squared radius, the unit of the weights; the factor ½ damps oscillation.
        for ((w, a), t) in weights.iter_mut().zip(&areas).zip(&targets) {
            *w += (t - a) / std::f64::consts::PI * 0.5;
        }
    }
    Err(PartitionError::NoConvergence {
        iterations: MAX_ITERATIONS,
        worst: worst * 100.0,
    })
}

/// The seven approximate districts of Hamm, from the embedded outline and reference points.
pub fn approximate_districts() -> Result<Vec<District>, PartitionError> {
    let outline = hamm::outline()?;
    let refs = hamm::district_references()?;
    let sites: Vec<Site> = refs
        .iter()
        .map(|r| Site {
            key: r.key,
            point: r.point,
            area_km2: r.area_km2,
        })
        .collect();
    let cells = partition(&outline, &sites)?;
    Ok(refs
        .into_iter()
        .zip(cells)
        .map(|(r, cell)| District {
            properties: DistrictProperties {
                key: r.key,
                name: r.key.official_name().to_owned(),
                area_km2: r.area_km2,
                population: r.population,
                population_year: r.population_year,
                postal_codes: r.postal_codes,
                subdistricts: r.subdistricts,
                approximate: true,
                label_point: cell.label_point,
            },
            geometry: geojson_geometry(&cell.geometry),
        })
        .collect())
}

/// A one-part cell is written as a Polygon, the form most readers expect.
fn geojson_geometry(cell: &MultiPolygon<f64>) -> geojson::Geometry {
    match cell.0.as_slice() {
        [single] => geojson::Geometry::new(geojson::GeometryValue::from(single)),
        _ => geojson::Geometry::new(geojson::GeometryValue::from(cell)),
    }
}

fn to_coord([x, y]: [f64; 2]) -> Coord<f64> {
    Coord { x, y }
}

/// Centre of the ring's bounding box.
fn centre(ring: &[[f64; 2]]) -> Option<(f64, f64)> {
    if ring.len() < 4 {
        return None;
    }
    let (mut min, mut max) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    for p in ring {
        for i in 0..2 {
            min[i] = min[i].min(p[i]);
            max[i] = max[i].max(p[i]);
        }
    }
    Some(((min[0] + max[0]) / 2.0, (min[1] + max[1]) / 2.0))
}

/// A rectangle well around the outline: the start of every convex power cell.
fn frame_around(outline: &Polygon<f64>) -> Vec<[f64; 2]> {
    let (mut min, mut max) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    for c in outline.exterior().coords() {
        min = [min[0].min(c.x), min[1].min(c.y)];
        max = [max[0].max(c.x), max[1].max(c.y)];
    }
    let pad = (max[0] - min[0]).max(max[1] - min[1]);
    let (x0, y0, x1, y1) = (min[0] - pad, min[1] - pad, max[0] + pad, max[1] + pad);
    vec![[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
}

/// Every site's power cell clipped to the outline.
fn power_cells(
    points: &[[f64; 2]],
    weights: &[f64],
    frame: &[[f64; 2]],
    outline: &Polygon<f64>,
) -> Vec<MultiPolygon<f64>> {
    points
        .iter()
        .enumerate()
        .map(|(i, pi)| {
            let mut convex = frame.to_vec();
            for (j, pj) in points.iter().enumerate() {
                if i == j {
                    continue;
                }
                // |x - pi|² - wi ≤ |x - pj|² - wj  ⇔  a·x ≤ c
                let a = [2.0 * (pj[0] - pi[0]), 2.0 * (pj[1] - pi[1])];
                let c =
                    (pj[0] * pj[0] + pj[1] * pj[1]) - (pi[0] * pi[0] + pi[1] * pi[1]) - weights[j]
                        + weights[i];
                convex = clip_half_plane(&convex, a, c);
                if convex.is_empty() {
                    break;
                }
            }
            if convex.len() < 3 {
                return MultiPolygon::new(vec![]);
            }
            let mut ring: Vec<Coord<f64>> = convex.into_iter().map(to_coord).collect();
            ring.push(ring[0]);
            Polygon::new(LineString::new(ring), vec![]).intersection(outline)
        })
        .collect()
}

/// Sutherland–Hodgman: the part of a convex polygon where `a·x ≤ c`.
fn clip_half_plane(poly: &[[f64; 2]], a: [f64; 2], c: f64) -> Vec<[f64; 2]> {
    let side = |p: &[f64; 2]| a[0] * p[0] + a[1] * p[1] - c;
    let mut out = Vec::with_capacity(poly.len() + 1);
    for (k, p) in poly.iter().enumerate() {
        let q = &poly[(k + 1) % poly.len()];
        let (sp, sq) = (side(p), side(q));
        if sp <= 0.0 {
            out.push(*p);
        }
        if (sp < 0.0 && sq > 0.0) || (sp > 0.0 && sq < 0.0) {
            let t = sp / (sp - sq);
            out.push([p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])]);
        }
    }
    out
}

/// Dividing by the step count (not multiplying by its inverse) yields the double nearest to
/// the decimal, so the JSON reads `7.7982237`, not `7.798223699999999`.
fn round(v: f64) -> f64 {
    (v * STEPS_PER_DEGREE).round() / STEPS_PER_DEGREE
}

fn to_cell(key: DistrictKey, cell: &MultiPolygon<f64>, proj: &LocalProjection) -> Cell {
    let area_km2 = cell.unsigned_area();
    let to_lonlat = |c: &Coord<f64>| {
        let [lon, lat] = proj.inverse([c.x, c.y]);
        Coord {
            x: round(lon),
            y: round(lat),
        }
    };
    let ring = |ls: &LineString<f64>| LineString::new(ls.coords().map(to_lonlat).collect());
    let geometry = MultiPolygon::new(
        cell.0
            .iter()
            .map(|p| Polygon::new(ring(p.exterior()), p.interiors().iter().map(ring).collect()))
            .collect(),
    )
    .orient(Direction::Default);
    // The label goes at the centroid of the largest part when that lies inside it, otherwise at
    // a guaranteed interior point.
    let largest = cell
        .0
        .iter()
        .max_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()));
    let label = largest.and_then(|p| {
        p.centroid()
            .filter(|c| p.contains(c))
            .or_else(|| p.interior_point())
    });
    let label_point = label
        .map(|c| {
            let [lon, lat] = proj.inverse([c.x(), c.y()]);
            [round(lon), round(lat)]
        })
        .unwrap_or([f64::NAN, f64::NAN]);
    Cell {
        key,
        geometry,
        area_km2,
        label_point,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Intersects, Winding};

    fn square(size_deg: f64) -> Vec<[f64; 2]> {
        vec![
            [7.8, 51.6],
            [7.8 + size_deg, 51.6],
            [7.8 + size_deg, 51.6 + size_deg],
            [7.8, 51.6 + size_deg],
            [7.8, 51.6],
        ]
    }

    fn planar(cells: &[Cell], proj: &LocalProjection) -> Vec<MultiPolygon<f64>> {
        cells
            .iter()
            .map(|c| {
                MultiPolygon::new(
                    c.geometry
                        .0
                        .iter()
                        .map(|p| {
                            Polygon::new(
                                p.exterior()
                                    .coords()
                                    .map(|c| to_coord(proj.forward([c.x, c.y])))
                                    .collect(),
                                vec![],
                            )
                        })
                        .collect(),
                )
            })
            .collect()
    }

    #[test]
    fn two_equal_sites_split_a_square_in_half() {
        let outline = square(0.1);
        let sites = [
            Site {
                key: DistrictKey::Mitte,
                point: [7.82, 51.65],
                area_km2: 1.0,
            },
            Site {
                key: DistrictKey::Uentrop,
                point: [7.88, 51.65],
                area_km2: 1.0,
            },
        ];
        let cells = partition(&outline, &sites).unwrap();
        let ratio = cells[0].area_km2 / cells[1].area_km2;
        assert!((ratio - 1.0).abs() < 2e-4, "{ratio}");
    }

    #[test]
    fn unequal_targets_move_the_boundary_until_areas_match() {
        let outline = square(0.1);
        let sites = [
            Site {
                key: DistrictKey::Mitte,
                point: [7.82, 51.65],
                area_km2: 1.0,
            },
            Site {
                key: DistrictKey::Uentrop,
                point: [7.88, 51.65],
                area_km2: 3.0,
            },
        ];
        let cells = partition(&outline, &sites).unwrap();
        let ratio = cells[1].area_km2 / cells[0].area_km2;
        assert!((ratio - 3.0).abs() < 3.0 * 2e-4, "{ratio}");
    }

    #[test]
    fn a_site_outside_the_outline_is_refused() {
        let sites = [Site {
            key: DistrictKey::Mitte,
            point: [9.0, 51.65],
            area_km2: 1.0,
        }];
        assert!(matches!(
            partition(&square(0.1), &sites),
            Err(PartitionError::SiteOutside(DistrictKey::Mitte))
        ));
    }

    #[test]
    fn a_degenerate_outline_is_refused() {
        let sites = [Site {
            key: DistrictKey::Mitte,
            point: [7.8, 51.6],
            area_km2: 1.0,
        }];
        assert!(matches!(
            partition(&[[7.8, 51.6], [7.9, 51.6]], &sites),
            Err(PartitionError::DegenerateOutline)
        ));
    }

    #[test]
    fn half_plane_clipping_keeps_the_inner_side() {
        let sq = [[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 2.0]];
        // x ≤ 1
        let clipped = clip_half_plane(&sq, [1.0, 0.0], 1.0);
        let poly = Polygon::new(
            clipped
                .iter()
                .map(|&p| to_coord(p))
                .collect::<Vec<_>>()
                .into(),
            vec![],
        );
        assert!((poly.unsigned_area() - 2.0).abs() < 1e-12);
    }

    mod hamm_districts {
        use super::*;

        type Setup = (Vec<District>, Vec<Cell>, LocalProjection, Polygon<f64>);

        /// Rounding vertices to 1e-7° (≈ 1 cm) may leave slivers along the 100 km outline;
        /// 0.001 km² is 0.0004 % of the city.
        const SLIVER_KM2: f64 = 1e-3;

        fn setup() -> Setup {
            static SETUP: std::sync::OnceLock<Setup> = std::sync::OnceLock::new();
            SETUP.get_or_init(compute).clone()
        }

        fn compute() -> Setup {
            let outline = hamm::outline().unwrap();
            let (lon0, lat0) = centre(&outline).unwrap();
            let proj = LocalProjection::new(lon0, lat0);
            let outline_km = Polygon::new(
                outline.iter().map(|&p| to_coord(proj.forward(p))).collect(),
                vec![],
            );
            let refs = hamm::district_references().unwrap();
            let sites: Vec<Site> = refs
                .iter()
                .map(|r| Site {
                    key: r.key,
                    point: r.point,
                    area_km2: r.area_km2,
                })
                .collect();
            let cells = partition(&outline, &sites).unwrap();
            (approximate_districts().unwrap(), cells, proj, outline_km)
        }

        #[test]
        fn there_are_seven_districts_in_the_official_order() {
            let (districts, ..) = setup();
            let keys: Vec<_> = districts.iter().map(|d| d.properties.key).collect();
            assert_eq!(keys, DistrictKey::ALL);
            assert!(districts.iter().all(|d| d.properties.approximate));
        }

        #[test]
        fn every_area_is_within_two_percent_of_the_official_area() {
            let (districts, cells, proj, _) = setup();
            // Measure the rounded, published geometry, not the internal one.
            for (d, planar) in districts.iter().zip(planar(&cells, &proj)) {
                let official = d.properties.area_km2;
                let err = (planar.unsigned_area() - official).abs() / official;
                assert!(err < 0.02, "{}: {:.3} %", d.properties.key, err * 100.0);
            }
        }

        #[test]
        fn districts_do_not_overlap() {
            let (_, cells, proj, _) = setup();
            let polys = planar(&cells, &proj);
            for i in 0..polys.len() {
                for j in i + 1..polys.len() {
                    let shared = polys[i].intersection(&polys[j]).unsigned_area();
                    assert!(
                        shared < SLIVER_KM2,
                        "{:?} and {:?} share {shared} km²",
                        cells[i].key,
                        cells[j].key
                    );
                }
            }
        }

        #[test]
        fn districts_cover_the_outline() {
            let (_, cells, proj, outline) = setup();
            let union = planar(&cells, &proj)
                .into_iter()
                .fold(MultiPolygon::new(vec![]), |acc, p| acc.union(&p));
            let missing = MultiPolygon::new(vec![outline.clone()]).difference(&union);
            assert!(
                missing.unsigned_area() < SLIVER_KM2,
                "uncovered {} km²",
                missing.unsigned_area()
            );
            let outside = union.difference(&MultiPolygon::new(vec![outline]));
            assert!(
                outside.unsigned_area() < SLIVER_KM2,
                "outside {} km²",
                outside.unsigned_area()
            );
        }

        #[test]
        fn each_district_contains_its_reference_point_and_label() {
            let (districts, cells, ..) = setup();
            let refs = hamm::district_references().unwrap();
            for ((r, cell), d) in refs.iter().zip(&cells).zip(&districts) {
                let p = Point::new(r.point[0], r.point[1]);
                assert!(
                    cell.geometry.contains(&p),
                    "{} lacks its reference point",
                    r.key
                );
                let l = d.properties.label_point;
                assert!(
                    cell.geometry.intersects(&Point::new(l[0], l[1])),
                    "{} label outside",
                    r.key
                );
            }
        }

        #[test]
        fn rings_are_closed_and_counter_clockwise() {
            let (_, cells, ..) = setup();
            for cell in &cells {
                for poly in &cell.geometry.0 {
                    let ext = poly.exterior();
                    assert_eq!(ext.0.first(), ext.0.last());
                    assert!(ext.is_ccw(), "{} exterior is clockwise", cell.key);
                }
            }
        }

        #[test]
        fn published_coordinates_have_at_most_seven_decimals() {
            let (districts, ..) = setup();
            for d in &districts {
                let text = d.geometry.to_string();
                for number in text.split(|c: char| !(c.is_ascii_digit() || c == '.')) {
                    if let Some((_, decimals)) = number.split_once('.') {
                        assert!(decimals.len() <= 7, "{}: {number}", d.properties.key);
                    }
                }
                assert!(
                    text.contains("\"Polygon\""),
                    "single-part cells are Polygons"
                );
            }
        }

        #[test]
        fn the_partition_is_deterministic() {
            let (a, ..) = setup();
            let b = approximate_districts().unwrap();
            assert_eq!(a, b);
        }

        #[test]
        fn westentor_and_suedstrasse_fall_in_mitte() {
            let (_, cells, ..) = setup();
            let places = hamm::places().unwrap();
            for name in ["Westentor", "Südstraße", "Hamm (Westf) Hauptbahnhof"] {
                let place = places.iter().find(|p| p.name.starts_with(name)).unwrap();
                let [lon, lat] = place.point.unwrap();
                let inside: Vec<_> = cells
                    .iter()
                    .filter(|c| c.geometry.contains(&Point::new(lon, lat)))
                    .map(|c| c.key)
                    .collect();
                assert_eq!(inside, [DistrictKey::Mitte], "{name}");
            }
        }
    }
}
