use leptos::prelude::*;
use model::api;

use crate::{api as client, format, text};

/// The newest entries of the audit trail the user's agency may read (who, agency, when, what,
/// which item; whether the content was withheld), and all of it as CSV. Before and after are in
/// the CSV and the API, not on screen.
#[component]
pub fn AuditTable() -> impl IntoView {
    let entries = LocalResource::new(client::audit);
    let rows = move || {
        entries.get().map(|r| match r {
            Ok(list) => list
                .into_iter()
                .map(|e| {
                    let item = e.item_id.map(|i| format!(" #{i}")).unwrap_or_default();
                    let agency = e
                        .agency
                        .as_ref()
                        .map_or(text::unknown_login(), |a| a.as_str());
                    let withheld = e.withheld.then(|| format!(" – {}", text::withheld()));
                    view! {
                        <tr>
                            <td>{format::local_time(e.at)}</td>
                            <td>{format!("{} ({agency})", e.login)}</td>
                            <td>{e.op.as_str()}</td>
                            <td>{format!("{}{item}", e.subject)}{withheld}</td>
                        </tr>
                    }
                })
                .collect_view()
                .into_any(),
            Err(e) => view! { <tr><td colspan="4">{e.to_string()}</td></tr> }.into_any(),
        })
    };
    view! {
        <section class="admin-audit" aria-label=text::audit_trail()>
            <h2>{text::audit_trail()}</h2>
            <a href=api::AUDIT_CSV download="lagebild-hamm-protokoll.csv" data-testid="audit-csv">{text::audit_csv()}</a>
            <table data-testid="audit">
                <thead><tr><th>{text::when()}</th><th>{text::who()}</th><th>{text::what()}</th><th>{text::subject()}</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}
