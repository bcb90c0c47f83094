//! `GET /api/openapi.json`: the OpenAPI 3.1 description of this API, built from the same
//! endpoint table the router is built from ([`crate::handlers::endpoints`]) and from the schemas
//! that `model`'s wire types derive, so it cannot drift from the code.

use model::{
    Action, Agency, DistrictProperties, Hotspot, MapConfig, PatrolRoute,
    action::{ActionKind, ActionStatus, WorkingGroup},
    agency::{AgencyKey, AgencyRole},
    analysis::{Conflict, Coverage, DistrictSummary, Gap},
    api::{ErrorBody, ErrorDetail, Health},
    config::{Basemap, Bounds, LatLng, MapService, TileFormat},
    district::DistrictKey,
    event::{ChangeEvent, ChangeOp},
    hotspot::{HotspotCategory, Severity},
    route::Occasion,
    schedule::{ClockTime, Period, Weekday, WeeklyWindow},
    validation::FieldError,
};
use utoipa::openapi::{
    ComponentsBuilder, ContentBuilder, HttpMethod, InfoBuilder, OpenApi, OpenApiBuilder, Paths,
    Ref, RefOr, Required,
    path::{OperationBuilder, ParameterBuilder, ParameterIn},
    request_body::RequestBodyBuilder,
    response::ResponseBuilder,
    schema::{ObjectBuilder, Schema, Type},
};

use model::access::Access;

use crate::endpoint::{Body, Endpoint, Op};

fn components() -> utoipa::openapi::Components {
    ComponentsBuilder::new()
        .schema_from::<Health>()
        .schema_from::<ErrorBody>()
        .schema_from::<ErrorDetail>()
        .schema_from::<FieldError>()
        .schema_from::<MapConfig>()
        .schema_from::<Basemap>()
        .schema_from::<MapService>()
        .schema_from::<model::place_search::PlaceHit>()
        .schema_from::<model::place_search::PlaceKind>()
        .schema_from::<TileFormat>()
        .schema_from::<LatLng>()
        .schema_from::<Bounds>()
        .schema_from::<DistrictKey>()
        .schema_from::<DistrictProperties>()
        .schema_from::<AgencyKey>()
        .schema_from::<Agency>()
        .schema_from::<AgencyRole>()
        .schema_from::<Weekday>()
        .schema_from::<ClockTime>()
        .schema_from::<WeeklyWindow>()
        .schema_from::<Period>()
        .schema_from::<HotspotCategory>()
        .schema_from::<Severity>()
        .schema_from::<Hotspot>()
        .schema_from::<model::hotspot_map::HotspotMap>()
        .schema_from::<Occasion>()
        .schema_from::<PatrolRoute>()
        .schema_from::<ActionKind>()
        .schema_from::<ActionStatus>()
        .schema_from::<WorkingGroup>()
        .schema_from::<Action>()
        .schema_from::<model::incident::IncidentCategory>()
        .schema_from::<model::incident::SourceKey>()
        .schema_from::<model::Incident>()
        .schema_from::<model::density::Density>()
        .schema_from::<model::alert::CategoryGroup>()
        .schema_from::<model::alert::AckReason>()
        .schema_from::<model::alert::AlertPlace>()
        .schema_from::<model::alert::Alert>()
        .schema_from::<model::alert::Acknowledgement>()
        .schema_from::<model::alert::NewAcknowledgement>()
        .schema_from::<model::alert::AlertList>()
        .schema_from::<model::report::KindRow>()
        .schema_from::<model::report::DistrictRow>()
        .schema_from::<model::report::AgencyRow>()
        .schema_from::<model::report::HotspotRow>()
        .schema_from::<model::report::Basis>()
        .schema_from::<model::report::Report>()
        .schema_from::<ChangeOp>()
        .schema_from::<ChangeEvent>()
        .schema_from::<Conflict>()
        .schema_from::<Gap>()
        .schema_from::<Coverage>()
        .schema_from::<DistrictSummary>()
        .schema_from::<model::analysis::Indicators>()
        .schema_from::<crate::handlers::transfer::Imported>()
        .schema_from::<crate::incident_import::Outcome>()
        .schema_from::<model::access::Role>()
        .schema_from::<model::access::Me>()
        .schema_from::<model::access::Login>()
        .schema_from::<model::access::Pair>()
        .schema_from::<model::access::NewDisplay>()
        .schema_from::<model::access::PairingCode>()
        .schema_from::<model::access::Account>()
        .schema_from::<model::access::NewAccount>()
        .schema_from::<model::access::AuditOp>()
        .schema_from::<model::access::AuditEntry>()
        .schema(
            "StoredMeta",
            ObjectBuilder::new()
                .schema_type(Type::Object)
                .property("id", ObjectBuilder::new().schema_type(Type::Integer))
                .property("version", ObjectBuilder::new().schema_type(Type::Integer))
                .property(
                    "updated_at",
                    ObjectBuilder::new().schema_type(Type::String).format(Some(
                        utoipa::openapi::schema::SchemaFormat::KnownFormat(
                            utoipa::openapi::schema::KnownFormat::DateTime,
                        ),
                    )),
                )
                .required("id")
                .required("version")
                .required("updated_at")
                .description(Some("What the server adds to a stored item")),
        )
        .schema(
            "GeoJson",
            ObjectBuilder::new()
                .schema_type(Type::Object)
                .description(Some(
                    "An RFC 7946 GeoJSON object (FeatureCollection or Feature)",
                )),
        )
        .build()
}

fn content(body: &Body) -> Option<(&'static str, RefOr<Schema>)> {
    let r = |name: &str| RefOr::Ref(Ref::from_schema_name(name));
    match body {
        Body::None => None,
        Body::Json(name) => Some(("application/json", r(name))),
        Body::JsonList(name) => Some((
            "application/json",
            RefOr::T(Schema::Array(
                utoipa::openapi::schema::ArrayBuilder::new()
                    .items(r(name))
                    .build(),
            )),
        )),
        Body::Stored(name) => Some((
            "application/json",
            RefOr::T(Schema::AllOf(
                utoipa::openapi::schema::AllOfBuilder::new()
                    .item(r(name))
                    .item(r("StoredMeta"))
                    .build(),
            )),
        )),
        Body::GeoJson => Some(("application/geo+json", r("GeoJson"))),
        Body::Other(media) => Some((
            media,
            RefOr::T(Schema::Object(
                ObjectBuilder::new().schema_type(Type::String).build(),
            )),
        )),
    }
}

fn method(op: &Op) -> HttpMethod {
    match op.method.as_str() {
        "POST" => HttpMethod::Post,
        "PUT" => HttpMethod::Put,
        "DELETE" => HttpMethod::Delete,
        _ => HttpMethod::Get,
    }
}

/// Who may call an operation, as its description says.
fn access_text(access: Access) -> &'static str {
    match access {
        Access::Public => "Access: anyone.",
        Access::Read => {
            "Access: any signed-in account, wall displays included. Answers only with what is released to the account's agency."
        }
        Access::Person => {
            "Access: officers, planners, admins and operators (not wall displays). Answers only with what is released to the account's agency."
        }
        Access::Report => {
            "Access: officers, planners and admins, reporting for their own agency. Needs the X-CSRF-Token header."
        }
        Access::Plan => {
            "Access: planners and admins: creating and changing their agency's items (the operational fields of actions their agency takes part in), deleting their agency's. Needs the X-CSRF-Token header."
        }
        Access::Admin => {
            "Access: agency admins, for their own agency. State-changing requests need the X-CSRF-Token header."
        }
        Access::Manage => {
            "Access: admins (their own agency's accounts and displays) and operators (every agency's). State-changing requests need the X-CSRF-Token header."
        }
        Access::Operator => {
            "Access: operators (the partnership's IT). State-changing requests need the X-CSRF-Token header."
        }
    }
}

/// The schema of a path, query or header parameter, by its name: every parameter the API
/// takes is named here (a test asks that every one has a schema), with the limits the
/// server checks.
fn parameter_schema(name: &str) -> RefOr<Schema> {
    use utoipa::openapi::schema::{KnownFormat, SchemaFormat};
    let string = || ObjectBuilder::new().schema_type(Type::String);
    let reference = |schema: &str| RefOr::Ref(Ref::from_schema_name(schema));
    let integer = |min: f64, max: f64| {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(min))
            .maximum(Some(max))
    };
    let schema = match name {
        "district" => return reference("DistrictKey"),
        "agency" => return reference("AgencyKey"),
        "category" => return reference("IncidentCategory"),
        "status" => return reference("ActionStatus"),
        "id" | "before" => integer(1.0, 9_007_199_254_740_991.0),
        "since" | "Last-Event-ID" => integer(0.0, 9_007_199_254_740_991.0),
        "limit" => integer(1.0, 1000.0),
        "zoom" => integer(
            f64::from(model::density::MIN_ZOOM),
            f64::from(model::density::MAX_ZOOM),
        ),
        "west" | "east" => ObjectBuilder::new()
            .schema_type(Type::Number)
            .minimum(Some(-180.0))
            .maximum(Some(180.0)),
        "south" | "north" => ObjectBuilder::new()
            .schema_type(Type::Number)
            .minimum(Some(-85.0))
            .maximum(Some(85.0)),
        "from" | "to" | "at" => {
            string().format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
        }
        "date" => string().format(Some(SchemaFormat::KnownFormat(KnownFormat::Date))),
        "week" => string()
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
            .description(Some("a Monday")),
        "kind" => string().description(Some(
            "hotspot category, route occasion or action kind, by the layer",
        )),
        "login" => string()
            .pattern(Some("^[a-z0-9._-]{2,60}$"))
            .max_length(Some(60)),
        "key" => string()
            .description(Some("an alert's key, e.g. cell:-3:4:disorder"))
            .max_length(Some(100)),
        "file" => string().enum_values(Some([
            "hotspots.geojson",
            "routes.geojson",
            "actions.geojson",
            "incidents.geojson",
            "actions.csv",
            "actions.ics",
            "districts.csv",
        ])),
        "released_to" => string()
            .pattern(Some("^[a-z0-9-]+(,[a-z0-9-]+){0,19}$"))
            .description(Some("agency keys, separated by commas; at most 20")),
        "If-Match" => string()
            .pattern(Some("^\"v[0-9]+\"$"))
            .description(Some("the ETag last read")),
        _ => string(),
    };
    RefOr::T(Schema::Object(schema.build()))
}

fn operation(path: &str, op: &Op) -> utoipa::openapi::path::Operation {
    let mut b = OperationBuilder::new()
        .summary(Some(op.summary))
        .description(Some(access_text(op.access)))
        .operation_id(Some(format!(
            "{}{}",
            op.method.as_str().to_lowercase(),
            path.replace(['/', '{', '}', '.'], "_")
        )));
    for name in ["id", "file", "login", "key", "name", "z", "x", "y"] {
        if path.contains(&format!("{{{name}}}")) {
            b = b.parameter(
                ParameterBuilder::new()
                    .name(name)
                    .parameter_in(ParameterIn::Path)
                    .required(Required::True)
                    .schema(Some(parameter_schema(name))),
            );
        }
    }
    for q in op.query {
        // The report's period is two dates, both required.
        let report = path == model::api::REPORT && matches!(*q, "from" | "to");
        let schema = parameter_schema(if report { "date" } else { q });
        b = b.parameter(
            ParameterBuilder::new()
                .name(*q)
                .parameter_in(ParameterIn::Query)
                .required(if report {
                    Required::True
                } else {
                    Required::False
                })
                .schema(Some(schema)),
        );
    }
    for h in op.headers {
        b = b.parameter(
            ParameterBuilder::new()
                .name(*h)
                .parameter_in(ParameterIn::Header)
                .schema(Some(parameter_schema(h)))
                .required(if *h == "If-Match" {
                    Required::True
                } else {
                    Required::False
                }),
        );
    }
    if let Some((media, schema)) = content(&op.request) {
        b = b.request_body(Some(
            RequestBodyBuilder::new()
                .content(media, ContentBuilder::new().schema(Some(schema)).build())
                .required(Some(Required::True))
                .build(),
        ));
    }
    let mut ok = ResponseBuilder::new().description("Success");
    if let Some((media, schema)) = content(&op.response) {
        ok = ok.content(media, ContentBuilder::new().schema(Some(schema)).build());
    }
    b = b.response(op.status.to_string(), ok);
    let error = ResponseBuilder::new()
        .description("Error: the field and the reason")
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(RefOr::Ref(Ref::from_schema_name("ErrorBody"))))
                .build(),
        );
    b = b.response("4XX", error);
    b.build()
}

/// The document for the given endpoints.
pub fn document(endpoints: &[Endpoint]) -> OpenApi {
    let mut paths = Paths::new();
    for e in endpoints {
        for op in &e.ops {
            paths.add_path_operation(e.path, vec![method(op)], operation(e.path, op));
        }
    }
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Lagebild Hamm API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some("The shared situational picture of the security partnership of the city of Hamm.")),
        )
        .paths(paths)
        .components(Some(components()))
        .build()
}
