//! SQL spoken to either backend: a transaction ([`Tx`]) on the embedded SQLite file or on
//! PostgreSQL, with the values ([`Value`]) and rows ([`Row`]) both understand.
//!
//! Statements are written once, in the SQL both speak (`?1` placeholders, `->>` on JSON,
//! `RETURNING`, `ON CONFLICT`); on PostgreSQL `?N` is sent as `$N`. The few that cannot be
//! said alike pick their backend's text with [`Tx::pick`], here in the storage modules: a
//! handler never sees SQL. JSON columns are `jsonb` on PostgreSQL and text on SQLite; a
//! [`Value`] of text goes into either, and a [`Row`] reads either back as text.

use std::{cell::RefCell, collections::HashMap, error::Error as StdError};

use bytes::BytesMut;
use postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};

use crate::db_error::DbError;

/// Which database a transaction runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// One statement parameter.
#[derive(Debug, Clone)]
pub enum Value<'a> {
    Null,
    Int(i64),
    Bool(bool),
    Text(&'a str),
    OwnedText(String),
    Bytes(&'a [u8]),
    OwnedBytes(Vec<u8>),
}

impl From<i64> for Value<'_> {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<i32> for Value<'_> {
    fn from(v: i32) -> Self {
        Value::Int(v.into())
    }
}
impl From<u32> for Value<'_> {
    fn from(v: u32) -> Self {
        Value::Int(v.into())
    }
}
impl From<bool> for Value<'_> {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}
impl<'a> From<&'a str> for Value<'a> {
    fn from(v: &'a str) -> Self {
        Value::Text(v)
    }
}
impl<'a> From<&'a String> for Value<'a> {
    fn from(v: &'a String) -> Self {
        Value::Text(v)
    }
}
impl From<String> for Value<'_> {
    fn from(v: String) -> Self {
        Value::OwnedText(v)
    }
}
impl<'a> From<&'a [u8]> for Value<'a> {
    fn from(v: &'a [u8]) -> Self {
        Value::Bytes(v)
    }
}
impl<'a, T: Into<Value<'a>>> From<Option<T>> for Value<'a> {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// Statement parameters: `args![a, b]` is `&[Value::from(a), Value::from(b)]`.
#[macro_export]
macro_rules! args {
    () => { &[] as &[$crate::sql::Value] };
    ($($v:expr),+ $(,)?) => { &[$($crate::sql::Value::from($v)),+] as &[$crate::sql::Value] };
}

impl rusqlite::ToSql for Value<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(v) => ToSqlOutput::Borrowed(ValueRef::Integer(*v)),
            Value::Bool(v) => ToSqlOutput::Borrowed(ValueRef::Integer(i64::from(*v))),
            Value::Text(v) => ToSqlOutput::Borrowed(ValueRef::Text(v.as_bytes())),
            Value::OwnedText(v) => ToSqlOutput::Borrowed(ValueRef::Text(v.as_bytes())),
            Value::Bytes(v) => ToSqlOutput::Borrowed(ValueRef::Blob(v)),
            Value::OwnedBytes(v) => ToSqlOutput::Borrowed(ValueRef::Blob(v)),
        })
    }
}

type BoxError = Box<dyn StdError + Sync + Send>;

fn mismatch(value: &Value, ty: &Type) -> BoxError {
    format!("a {value:?} does not fit a column of type {ty}").into()
}

impl ToSql for Value<'_> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        let text = |s: &str, out: &mut BytesMut| -> Result<IsNull, BoxError> {
            if *ty == Type::JSONB {
                // jsonb's binary form: a version byte, then the text.
                out.extend_from_slice(&[1]);
                out.extend_from_slice(s.as_bytes());
                Ok(IsNull::No)
            } else {
                s.to_sql(ty, out)
            }
        };
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(v) => match *ty {
                Type::INT8 => v.to_sql(ty, out),
                Type::INT4 => i32::try_from(*v)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*v)?.to_sql(ty, out),
                _ => Err(mismatch(self, ty)),
            },
            Value::Bool(v) => v.to_sql(ty, out),
            Value::Text(s) => text(s, out),
            Value::OwnedText(s) => text(s, out),
            Value::Bytes(v) => v.to_sql(ty, out),
            Value::OwnedBytes(v) => v.as_slice().to_sql(ty, out),
        }
    }

    fn accepts(ty: &Type) -> bool {
        [
            Type::INT8,
            Type::INT4,
            Type::INT2,
            Type::BOOL,
            Type::TEXT,
            Type::VARCHAR,
            Type::BPCHAR,
            Type::NAME,
            Type::UNKNOWN,
            Type::JSON,
            Type::JSONB,
            Type::BYTEA,
        ]
        .contains(ty)
    }

    to_sql_checked!();
}

/// A column read as text: text itself, or JSON (`jsonb` arrives with a version byte).
struct PgText(String);

impl<'a> FromSql<'a> for PgText {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        let raw = if *ty == Type::JSONB {
            raw.split_first().map_or(raw, |(_, rest)| rest)
        } else {
            raw
        };
        Ok(PgText(std::str::from_utf8(raw)?.to_owned()))
    }

    fn accepts(ty: &Type) -> bool {
        [
            Type::TEXT,
            Type::VARCHAR,
            Type::BPCHAR,
            Type::NAME,
            Type::UNKNOWN,
            Type::JSON,
            Type::JSONB,
        ]
        .contains(ty)
    }
}

/// A column read as an integer of any width.
struct PgInt(i64);

impl<'a> FromSql<'a> for PgInt {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        Ok(PgInt(match *ty {
            Type::INT2 => i16::from_sql(ty, raw)?.into(),
            Type::INT4 => i32::from_sql(ty, raw)?.into(),
            _ => i64::from_sql(ty, raw)?,
        }))
    }

    fn accepts(ty: &Type) -> bool {
        [Type::INT2, Type::INT4, Type::INT8].contains(ty)
    }
}

/// What a column can be read as, on either backend.
pub trait Column: Sized {
    fn sqlite(row: &rusqlite::Row, i: usize) -> rusqlite::Result<Self>;
    fn postgres(row: &postgres::Row, i: usize) -> Result<Self, postgres::Error>;
}

impl Column for i64 {
    fn sqlite(row: &rusqlite::Row, i: usize) -> rusqlite::Result<Self> {
        row.get(i)
    }
    fn postgres(row: &postgres::Row, i: usize) -> Result<Self, postgres::Error> {
        Ok(row.try_get::<_, PgInt>(i)?.0)
    }
}

impl Column for Option<i64> {
    fn sqlite(row: &rusqlite::Row, i: usize) -> rusqlite::Result<Self> {
        row.get(i)
    }
    fn postgres(row: &postgres::Row, i: usize) -> Result<Self, postgres::Error> {
        Ok(row.try_get::<_, Option<PgInt>>(i)?.map(|v| v.0))
    }
}

impl Column for u32 {
    fn sqlite(row: &rusqlite::Row, i: usize) -> rusqlite::Result<Self> {
        row.get(i)
    }
    fn postgres(row: &postgres::Row, i: usize) -> Result<Self, postgres::Error> {
        let v = row.try_get::<_, PgInt>(i)?.0;
        // A count never exceeds u32 here; saturate rather than fail on a corrupt value.
        Ok(u32::try_from(v).unwrap_or(u32::MAX))
    }
}

impl Column for String {
    fn sqlite(row: &rusqlite::Row, i: usize) -> rusqlite::Result<Self> {
        row.get(i)
    }
    fn postgres(row: &postgres::Row, i: usize) -> Result<Self, postgres::Error> {
        Ok(row.try_get::<_, PgText>(i)?.0)
    }
}

impl Column for Option<String> {
    fn sqlite(row: &rusqlite::Row, i: usize) -> rusqlite::Result<Self> {
        row.get(i)
    }
    fn postgres(row: &postgres::Row, i: usize) -> Result<Self, postgres::Error> {
        Ok(row.try_get::<_, Option<PgText>>(i)?.map(|v| v.0))
    }
}

impl Column for bool {
    fn sqlite(row: &rusqlite::Row, i: usize) -> rusqlite::Result<Self> {
        row.get(i)
    }
    fn postgres(row: &postgres::Row, i: usize) -> Result<Self, postgres::Error> {
        row.try_get(i)
    }
}

impl Column for Vec<u8> {
    fn sqlite(row: &rusqlite::Row, i: usize) -> rusqlite::Result<Self> {
        row.get(i)
    }
    fn postgres(row: &postgres::Row, i: usize) -> Result<Self, postgres::Error> {
        row.try_get(i)
    }
}

/// One result row of either backend.
pub enum Row<'r, 's> {
    Sqlite(&'r rusqlite::Row<'s>),
    Postgres(&'r postgres::Row),
}

impl Row<'_, '_> {
    /// Column `i` (from 0) as `T`.
    pub fn get<T: Column>(&self, i: usize) -> Result<T, DbError> {
        match self {
            Row::Sqlite(r) => Ok(T::sqlite(r, i)?),
            Row::Postgres(r) => Ok(T::postgres(r, i)?),
        }
    }
}

/// A PostgreSQL connection with the statements it has prepared (preparing costs a round
/// trip; each statement text is prepared once per connection).
pub struct PgConnection {
    pub client: postgres::Client,
    statements: HashMap<String, postgres::Statement>,
}

impl PgConnection {
    pub fn new(client: postgres::Client) -> PgConnection {
        PgConnection {
            client,
            statements: HashMap::new(),
        }
    }
}

/// `?N` placeholders as PostgreSQL's `$N`.
fn dollar_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

/// How a transaction begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Reads, and writes that publish nothing (session times, pairing codes).
    Plain,
    /// A write that appends to the change log: one at a time across all servers, so change
    /// numbers commit in their order and an event stream reading past number n never misses
    /// a lower one committed later.
    Write,
}

/// The advisory lock PostgreSQL writers take ([`Mode::Write`]); SQLite's `BEGIN IMMEDIATE`
/// is the same rule for one file.
const WRITE_LOCK: i64 = 0x6c61_6765_6269_6c01;

enum Inner<'c> {
    Sqlite(rusqlite::Transaction<'c>),
    Postgres {
        tx: RefCell<postgres::Transaction<'c>>,
        statements: RefCell<&'c mut HashMap<String, postgres::Statement>>,
    },
}

/// One transaction on either backend; dropped without [`Tx::commit`], it rolls back.
pub struct Tx<'c> {
    inner: Inner<'c>,
}

impl<'c> Tx<'c> {
    pub fn sqlite(conn: &'c mut rusqlite::Connection, mode: Mode) -> Result<Tx<'c>, DbError> {
        let behavior = match mode {
            Mode::Plain => rusqlite::TransactionBehavior::Deferred,
            Mode::Write => rusqlite::TransactionBehavior::Immediate,
        };
        Ok(Tx {
            inner: Inner::Sqlite(conn.transaction_with_behavior(behavior)?),
        })
    }

    pub fn postgres(conn: &'c mut PgConnection, mode: Mode) -> Result<Tx<'c>, DbError> {
        let PgConnection { client, statements } = conn;
        let mut tx = client.transaction()?;
        if mode == Mode::Write {
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])?;
        }
        Ok(Tx {
            inner: Inner::Postgres {
                tx: RefCell::new(tx),
                statements: RefCell::new(statements),
            },
        })
    }

    pub fn backend(&self) -> Backend {
        match self.inner {
            Inner::Sqlite(_) => Backend::Sqlite,
            Inner::Postgres { .. } => Backend::Postgres,
        }
    }

    /// The statement for this backend, where the two cannot say it alike.
    pub fn pick<'s>(&self, sqlite: &'s str, postgres: &'s str) -> &'s str {
        match self.backend() {
            Backend::Sqlite => sqlite,
            Backend::Postgres => postgres,
        }
    }

    fn pg_statement(
        tx: &mut postgres::Transaction,
        statements: &mut HashMap<String, postgres::Statement>,
        sql: &str,
    ) -> Result<postgres::Statement, DbError> {
        if let Some(s) = statements.get(sql) {
            return Ok(s.clone());
        }
        let prepared = tx.prepare(&dollar_placeholders(sql))?;
        statements.insert(sql.to_owned(), prepared.clone());
        Ok(prepared)
    }

    fn pg_params<'v>(args: &'v [Value<'v>]) -> Vec<&'v (dyn ToSql + Sync)> {
        args.iter().map(|a| a as &(dyn ToSql + Sync)).collect()
    }

    /// Runs a statement; returns how many rows it changed.
    pub fn execute(&self, sql: &str, args: &[Value]) -> Result<u64, DbError> {
        match &self.inner {
            Inner::Sqlite(tx) => {
                let mut stmt = tx.prepare_cached(sql)?;
                Ok(stmt.execute(rusqlite::params_from_iter(args.iter()))? as u64)
            }
            Inner::Postgres { tx, statements } => {
                let mut tx = tx.borrow_mut();
                let stmt = Self::pg_statement(&mut tx, &mut statements.borrow_mut(), sql)?;
                Ok(tx.execute(&stmt, &Self::pg_params(args))?)
            }
        }
    }

    /// Runs statements without parameters (schema changes, several at once).
    pub fn batch(&self, sql: &str) -> Result<(), DbError> {
        match &self.inner {
            Inner::Sqlite(tx) => Ok(tx.execute_batch(sql)?),
            Inner::Postgres { tx, .. } => Ok(tx.borrow_mut().batch_execute(sql)?),
        }
    }

    /// Every row of a query, each made into a `T` by `f`.
    pub fn query<T>(
        &self,
        sql: &str,
        args: &[Value],
        mut f: impl FnMut(&Row) -> Result<T, DbError>,
    ) -> Result<Vec<T>, DbError> {
        match &self.inner {
            Inner::Sqlite(tx) => {
                let mut stmt = tx.prepare_cached(sql)?;
                let mut rows = stmt.query(rusqlite::params_from_iter(args.iter()))?;
                let mut out = Vec::new();
                while let Some(r) = rows.next()? {
                    out.push(f(&Row::Sqlite(r))?);
                }
                Ok(out)
            }
            Inner::Postgres { tx, statements } => {
                let mut tx = tx.borrow_mut();
                let stmt = Self::pg_statement(&mut tx, &mut statements.borrow_mut(), sql)?;
                let rows = tx.query(&stmt, &Self::pg_params(args))?;
                drop(tx);
                rows.iter().map(|r| f(&Row::Postgres(r))).collect()
            }
        }
    }

    /// The first row of a query, if there is one.
    pub fn query_opt<T>(
        &self,
        sql: &str,
        args: &[Value],
        f: impl FnOnce(&Row) -> Result<T, DbError>,
    ) -> Result<Option<T>, DbError> {
        match &self.inner {
            Inner::Sqlite(tx) => {
                let mut stmt = tx.prepare_cached(sql)?;
                let mut rows = stmt.query(rusqlite::params_from_iter(args.iter()))?;
                rows.next()?.map(|r| f(&Row::Sqlite(r))).transpose()
            }
            Inner::Postgres { tx, statements } => {
                let mut tx = tx.borrow_mut();
                let stmt = Self::pg_statement(&mut tx, &mut statements.borrow_mut(), sql)?;
                let row = tx.query_opt(&stmt, &Self::pg_params(args))?;
                drop(tx);
                row.map(|r| f(&Row::Postgres(&r))).transpose()
            }
        }
    }

    /// The one row a query must give (an aggregate, a `RETURNING`).
    pub fn query_one<T>(
        &self,
        sql: &str,
        args: &[Value],
        f: impl FnOnce(&Row) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        self.query_opt(sql, args, f)?
            .ok_or_else(|| DbError::Corrupt(format!("no row from: {sql}")))
    }

    /// Rows through `f` one at a time, without collecting them (large reads on SQLite; on
    /// PostgreSQL the rows arrive as a portal of 10,000 at a time). `f` must not use this
    /// transaction: on PostgreSQL it is busy with the portal (a nested use panics).
    pub fn for_each(
        &self,
        sql: &str,
        args: &[Value],
        mut f: impl FnMut(&Row) -> Result<(), DbError>,
    ) -> Result<(), DbError> {
        match &self.inner {
            Inner::Sqlite(tx) => {
                let mut stmt = tx.prepare_cached(sql)?;
                let mut rows = stmt.query(rusqlite::params_from_iter(args.iter()))?;
                while let Some(r) = rows.next()? {
                    f(&Row::Sqlite(r))?;
                }
                Ok(())
            }
            Inner::Postgres { tx, statements } => {
                let mut tx = tx.borrow_mut();
                let stmt = Self::pg_statement(&mut tx, &mut statements.borrow_mut(), sql)?;
                let portal = tx.bind(&stmt, &Self::pg_params(args))?;
                loop {
                    let rows = tx.query_portal(&portal, 10_000)?;
                    if rows.is_empty() {
                        return Ok(());
                    }
                    for r in &rows {
                        f(&Row::Postgres(r))?;
                    }
                }
            }
        }
    }

    pub fn commit(self) -> Result<(), DbError> {
        match self.inner {
            Inner::Sqlite(tx) => Ok(tx.commit()?),
            Inner::Postgres { tx, .. } => Ok(tx.into_inner().commit()?),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn question_mark_placeholders_become_dollars_and_nothing_else_changes() {
        assert_eq!(
            dollar_placeholders("SELECT body ->> 'a?' FROM t WHERE a = ?1 AND b = ?12"),
            "SELECT body ->> 'a?' FROM t WHERE a = $1 AND b = $12"
        );
    }
}
