//! The API's endpoints as data: a path, its handlers, and for each method who may call it and
//! what it takes and answers. The router ([`crate::handlers::api`]) and the OpenAPI document
//! ([`crate::openapi`]) are both built from the one list, so no route exists undocumented.

use axum::{http::Method, routing::MethodRouter};
use model::access::Access;

use crate::state::AppState;

/// A documented request body or response.
#[derive(Debug, Clone, Copy)]
pub enum Body {
    None,
    /// JSON of the named schema.
    Json(&'static str),
    /// A JSON array of the named schema.
    JsonList(&'static str),
    /// A stored item: the named schema with `id`, `version`, `updated_at`.
    Stored(&'static str),
    GeoJson,
    /// Another media type (text).
    Other(&'static str),
}

/// One method on one path, as documented, with who may use it.
#[derive(Debug, Clone)]
pub struct Op {
    pub method: Method,
    pub access: Access,
    pub summary: &'static str,
    pub query: &'static [&'static str],
    pub headers: &'static [&'static str],
    pub request: Body,
    pub response: Body,
    pub status: u16,
}

impl Op {
    pub fn get(access: Access, summary: &'static str, response: Body) -> Op {
        Op {
            method: Method::GET,
            access,
            summary,
            query: &[],
            headers: &[],
            request: Body::None,
            response,
            status: 200,
        }
    }

    pub fn post(access: Access, summary: &'static str, request: Body, response: Body) -> Op {
        Op {
            method: Method::POST,
            access,
            summary,
            query: &[],
            headers: &[],
            request,
            response,
            status: 201,
        }
    }

    pub fn status(mut self, status: u16) -> Op {
        self.status = status;
        self
    }

    pub fn query(mut self, names: &'static [&'static str]) -> Op {
        self.query = names;
        self
    }

    pub fn headers(mut self, names: &'static [&'static str]) -> Op {
        self.headers = names;
        self
    }

    pub fn delete(access: Access, summary: &'static str) -> Op {
        Op {
            method: Method::DELETE,
            status: 204,
            ..Op::get(access, summary, Body::None)
        }
    }
}

/// A path, its handlers, and their documentation: the router and the OpenAPI document are both
/// built from the list of these, so no route exists undocumented.
pub struct Endpoint {
    pub path: &'static str,
    pub handler: MethodRouter<AppState>,
    pub ops: Vec<Op>,
}
