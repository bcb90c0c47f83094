//! Small counts withheld: wall displays and exports show counts below a threshold as "< 5",
//! so a small number in a district or cell cannot point at single cases.

/// A count as shown where small numbers are withheld: "< 5" below the threshold.
pub fn shown_count(n: u32, withheld_below: Option<u32>) -> String {
    match withheld_below {
        Some(t) if n < t => format!("< {t}"),
        _ => n.to_string(),
    }
}
