//! All integration and end-to-end tests in one binary: linking one test executable against the
//! server and its dependencies instead of one per file saves minutes of linking and gigabytes of
//! disk (each executable was over 200 MB with debug info). Run one group with
//! `cargo test -p tests --test end_to_end wall::`.

mod access;
mod alerts;
mod analysis;
mod api;
mod basemap;
mod browser;
mod calendar;
mod clusters;
mod dense;
mod drawing;
mod incidents;
mod items;
mod language;
mod officer;
mod planning;
mod report;
mod security;
mod text_safety;
mod transfer;
mod view_state;
mod wall;
