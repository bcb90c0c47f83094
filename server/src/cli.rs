//! The command line: `server` runs the dashboard; `server user …` and `server display …` manage
//! accounts on the database directly (the first admin has to come from somewhere, and there is
//! never a default password).

use std::io::{BufRead, IsTerminal};

use clap::{Parser, Subcommand};
use model::{
    AgencyKey,
    access::{Account, AuditOp, Role},
};

use crate::{
    accounts::{self, AccountError},
    audit::{self, Actor},
    config::Config,
    db::{Database, Storage},
    seed,
};

#[derive(Debug, Parser)]
#[command(
    name = "server",
    version,
    about = "Lagebild Hamm: the dashboard's API and web server",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Manage people's accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Pair wall displays.
    #[command(subcommand)]
    Display(DisplayCommand),
    /// Incident reports (Lagemeldungen).
    #[command(subcommand)]
    Incidents(IncidentCommand),
    /// The address list of the place search.
    #[command(subcommand)]
    Places(PlaceCommand),
    /// Print the API's OpenAPI 3.1 document (what `GET /api/openapi.json` answers).
    Openapi,
    /// Copy an installation's SQLite database into an empty PostgreSQL database (items with
    /// their ids and versions, the change log, the audit trail, accounts, agencies, districts,
    /// everything), checking every table's count; all or nothing. Stop the server first.
    Migrate {
        /// The SQLite file, e.g. `data/lagebild.sqlite3`.
        #[arg(long)]
        from_sqlite: std::path::PathBuf,
        /// The PostgreSQL database, e.g. `postgres://lagebild@db.example/lagebild` (from the
        /// environment, its password stays out of the process list).
        #[arg(long, env = "LAGEBILD_DATABASE_URL")]
        to: String,
        /// A CA certificate (PEM) to trust for PostgreSQL's TLS besides the system's.
        #[arg(long, env = "LAGEBILD_DATABASE_CA")]
        database_ca: Option<std::path::PathBuf>,
    },
}

/// Where a command finds the data: the SQLite file in `--data-dir`, or the PostgreSQL database
/// of `--database-url`.
#[derive(Debug, Clone, clap::Args)]
pub struct Place {
    /// Directory of the SQLite database (when no `--database-url` is given).
    #[arg(long, env = "LAGEBILD_DATA_DIR", default_value = "data")]
    pub data_dir: std::path::PathBuf,
    /// A PostgreSQL database (`postgres://user@host:port/name`) instead of the SQLite file.
    #[arg(long, env = "LAGEBILD_DATABASE_URL")]
    pub database_url: Option<String>,
    /// A CA certificate (PEM) to trust for PostgreSQL's TLS besides the system's.
    #[arg(long, env = "LAGEBILD_DATABASE_CA")]
    pub database_ca: Option<std::path::PathBuf>,
}

impl Place {
    pub fn storage(&self) -> Storage {
        match &self.database_url {
            Some(url) => Storage::Postgres(crate::db::Postgres {
                url: url.clone(),
                ca: self.database_ca.clone(),
            }),
            None => Storage::Sqlite(self.data_dir.clone()),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum IncidentCommand {
    /// Import incidents from a CSV (semicolons, `TT.MM.JJJJ HH:MM`, WGS84 or EPSG:25832) or
    /// GeoJSON file, all or nothing; rows stored already are skipped. Stop the server first
    /// or run it against the same data directory: the import is one transaction.
    Import {
        /// The file; `-` reads standard input.
        file: std::path::PathBuf,
        /// The reporting agency, which owns the incidents.
        #[arg(long)]
        agency: String,
        /// Agencies that may see them besides the owner (repeatable).
        #[arg(long = "released-to")]
        released_to: Vec<String>,
        #[command(flatten)]
        place: Place,
    },
}

#[derive(Debug, Subcommand)]
pub enum PlaceCommand {
    /// Import addresses for the place search, replacing the previous import, all or nothing:
    /// the state's building-address CSV (semicolons; street, house number, suffix, postcode,
    /// EPSG:25832 easting/northing) or an OpenStreetMap GeoJSON export (`addr:street`,
    /// `addr:housenumber`, `addr:postcode`, `name`). Running servers search it from their next
    /// request on.
    Import {
        /// The file (`.csv`, `.txt`, `.geojson`).
        file: std::path::PathBuf,
        /// Whose data they are, shown with every result, e.g. "© OpenStreetMap-Mitwirkende"
        /// (ODbL asks for it) or "© Geobasis NRW".
        #[arg(long)]
        attribution: Option<String>,
        #[command(flatten)]
        place: Place,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add an account. The password is asked for twice on a terminal, or read as one line
    /// from standard input (`--password-stdin`).
    Add {
        /// Login name: lowercase letters, digits, '.', '-', '_' (name a function, e.g.
        /// `kod-planung`, rather than a person).
        login: String,
        /// officer, planner, admin (of its agency) or operator (the partnership's IT: accounts
        /// and displays of every agency, guest agencies, district boundaries).
        #[arg(long)]
        role: Role,
        /// The agency's key, e.g. polizei, kod, jugendamt, hza, jva, bpol, steufa, finanzamt.
        #[arg(long)]
        agency: String,
        /// Read the password from standard input instead of asking.
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        place: Place,
    },
    /// Disable an account: it can no longer sign in and its sessions end at once.
    Disable {
        login: String,
        #[command(flatten)]
        place: Place,
    },
    /// Enable a disabled account again.
    Enable {
        login: String,
        #[command(flatten)]
        place: Place,
    },
    /// List the accounts.
    List {
        #[command(flatten)]
        place: Place,
    },
}

#[derive(Debug, Subcommand)]
pub enum DisplayCommand {
    /// Issue a one-time pairing code (valid 15 minutes) for a wall display; type it on the
    /// display's start screen.
    Pair {
        /// The display's name, e.g. `leitstelle-wand-1`.
        login: String,
        /// The agency whose picture the display shows.
        #[arg(long)]
        agency: String,
        #[command(flatten)]
        place: Place,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Account(#[from] AccountError),
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
    #[error("{0}")]
    Seed(#[from] seed::SeedError),
    #[error("cannot read the password: {0}")]
    Password(std::io::Error),
    #[error("the two passwords differ")]
    PasswordsDiffer,
    #[error("agency: {0}")]
    Agency(String),
    #[error("a wall display has no password: pair it with `server display pair`")]
    DisplayUser,
    #[error("cannot read {0}: {1}")]
    File(std::path::PathBuf, std::io::Error),
    #[error("{0}")]
    Import(String),
    #[error(transparent)]
    Copy(#[from] crate::copy_to_postgres::CopyError),
}

fn agency(key: &str) -> Result<AgencyKey, CliError> {
    AgencyKey::parse(key).map_err(|e| CliError::Agency(e.to_string()))
}

fn read_password(from_stdin: bool) -> Result<String, CliError> {
    if from_stdin || !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(CliError::Password)?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_owned());
    }
    let first = rpassword::prompt_password("Password: ").map_err(CliError::Password)?;
    let second = rpassword::prompt_password("Again: ").map_err(CliError::Password)?;
    if first != second {
        return Err(CliError::PasswordsDiffer);
    }
    Ok(first)
}

/// The database with the agencies in place (accounts refer to them) and the districts
/// (imported incidents are placed in them), as the server's first start leaves it.
async fn open(place: &Place) -> Result<Database, CliError> {
    let storage = place.storage();
    let db = tokio::task::spawn_blocking(move || Database::open_storage(&storage))
        .await
        .map_err(|e| crate::db::DbError::Task(e.to_string()))??;
    seed::districts_if_empty(&db).await?;
    seed::agencies(&db).await?;
    Ok(db)
}

/// Who the trail names for the command line: whoever may run the server's binary on its
/// database, which is an operator's power, on behalf of the agency concerned.
fn command_line(agency: &AgencyKey) -> Actor {
    Actor {
        login: "(command line)".to_owned(),
        agency: agency.clone(),
        role: Role::Operator,
    }
}

/// Disables or enables `login`, recorded in the same transaction.
async fn set_disabled(place: &Place, login: String, disable: bool) -> Result<Account, CliError> {
    let db = open(place).await?;
    db.write(move |tx| {
        let before = accounts::find(tx, &login)?.map(|a| a.account);
        let (account, op) = if disable {
            // Every server sharing a PostgreSQL database forgets the account's sessions now.
            crate::announcement::announce(tx, crate::announcement::StateChange::Sessions)?;
            (accounts::disable(tx, &login)?, AuditOp::AccountDisabled)
        } else {
            (accounts::enable(tx, &login)?, AuditOp::AccountEnabled)
        };
        audit::append(
            tx,
            &command_line(&account.agency),
            audit::Record::new(op, "account")
                .concerns(&account.agency)
                .change(
                    before.and_then(|b| serde_json::to_string(&b).ok()),
                    serde_json::to_string(&account).ok(),
                ),
        )?;
        Ok::<_, CliError>(account)
    })
    .await
}

/// Runs a subcommand; what it prints is for the person at the terminal.
pub async fn run(command: Command) -> Result<(), CliError> {
    match command {
        Command::User(UserCommand::Add {
            login,
            role,
            agency: key,
            password_stdin,
            place,
        }) => {
            if role == Role::Display {
                return Err(CliError::DisplayUser);
            }
            let agency = agency(&key)?;
            let password = read_password(password_stdin)?;
            let db = open(&place).await?;
            let account = db
                .write(move |tx| {
                    let account = accounts::add(tx, &login, role, &agency, Some(&password))?;
                    audit::append(
                        tx,
                        &command_line(&agency),
                        audit::Record::new(AuditOp::AccountAdded, "account")
                            .concerns(&agency)
                            .details(&account),
                    )?;
                    Ok::<_, CliError>(account)
                })
                .await?;
            println!(
                "added {} ({}, {})",
                account.login, account.role, account.agency
            );
        }
        Command::User(UserCommand::Disable { login, place }) => {
            let account = set_disabled(&place, login, true).await?;
            println!("disabled {}; its sessions have ended", account.login);
        }
        Command::User(UserCommand::Enable { login, place }) => {
            let account = set_disabled(&place, login, false).await?;
            println!("enabled {}", account.login);
        }
        Command::User(UserCommand::List { place }) => {
            let db = open(&place).await?;
            let list = db.call(accounts::list).await?;
            for a in list {
                let state = if a.disabled { " (disabled)" } else { "" };
                println!("{:<30} {:<8} {}{state}", a.login, a.role.as_str(), a.agency);
            }
        }
        Command::Display(DisplayCommand::Pair {
            login,
            agency: key,
            place,
        }) => {
            let agency = agency(&key)?;
            let db = open(&place).await?;
            let code = db
                .write(move |tx| {
                    let code = accounts::issue_pairing(tx, &login, &agency)?;
                    audit::append(
                        tx,
                        &command_line(&agency),
                        audit::Record::new(AuditOp::PairingCodeIssued, "account")
                            .concerns(&agency)
                            .details(&serde_json::json!({
                                "login": code.login, "expires_at": code.expires_at
                            })),
                    )?;
                    Ok::<_, CliError>(code)
                })
                .await?;
            println!(
                "pairing code for {} ({}): {}  (valid until {})",
                code.login, code.agency, code.code, code.expires_at
            );
            println!("Open /wand on the display and type the code.");
        }
        Command::Openapi => {
            println!("{}", crate::handlers::openapi_text());
        }
        Command::Migrate {
            from_sqlite,
            to,
            database_ca,
        } => {
            let to = crate::db::Postgres {
                url: to,
                ca: database_ca,
            };
            let counts = tokio::task::spawn_blocking(move || {
                crate::copy_to_postgres::copy(&from_sqlite, &to)
            })
            .await
            .map_err(|e| crate::db::DbError::Task(e.to_string()))??;
            for (table, rows) in counts {
                println!("{table:<24} {rows:>10} rows copied and counted");
            }
            println!("done: start the servers with --database-url");
        }
        Command::Places(PlaceCommand::Import {
            file,
            attribution,
            place,
        }) => {
            let attribution = attribution.map(|a| a.trim().chars().take(200).collect::<String>());
            let list = read_addresses(&file)?;
            let skipped = list.skipped;
            let source = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let db = open(&place).await?;
            // It appends no change event: not under the writers' lock, so on PostgreSQL the
            // servers' writes go on meanwhile (SQLite has one writer whatever: about 0.6 s per
            // 100,000 addresses).
            let import = db
                .call(move |tx| {
                    let import = crate::addresses::replace(
                        tx,
                        &list.addresses,
                        &source,
                        attribution.as_deref().filter(|a| !a.is_empty()),
                    )?;
                    // Shared reference data, imported by whoever runs the binary: no agency.
                    audit::append_as(
                        tx,
                        "(command line)",
                        None,
                        audit::Record::new(AuditOp::Imported, "addresses").details(&import),
                    )?;
                    Ok::<_, CliError>(import)
                })
                .await?;
            println!(
                "{} addresses imported from {} (import {}; {skipped} left out: listed twice, or neither an address nor a name); the previous import is replaced",
                import.addresses, import.source, import.id
            );
        }
        Command::Incidents(IncidentCommand::Import {
            file,
            agency: key,
            released_to,
            place,
        }) => {
            let owner = agency(&key)?;
            let released_to = released_to
                .iter()
                .map(|k| agency(k))
                .collect::<Result<Vec<_>, _>>()?;
            let db = open(&place).await?;
            let outcome = db
                .write(move |tx| import_incidents(tx, &file, &owner, &released_to))
                .await?;
            println!(
                "{} rows: {} incidents imported, {} stored already",
                outcome.rows, outcome.imported, outcome.skipped
            );
        }
    }
    Ok(())
}

/// Reads the address list in `file`, naming every problem by line and column.
fn read_addresses(file: &std::path::Path) -> Result<crate::address_import::AddressList, CliError> {
    use crate::address_import::{Format, MAX_FILE_BYTES, read};
    let bytes = std::fs::File::open(file).map_err(|e| CliError::File(file.to_owned(), e))?;
    let size = bytes
        .metadata()
        .map_err(|e| CliError::File(file.to_owned(), e))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(CliError::Import(format!(
            "file: {size} bytes; an address file holds at most {} MiB: import the city's addresses, not the state's",
            MAX_FILE_BYTES >> 20
        )));
    }
    let mut input = std::io::BufReader::with_capacity(1 << 16, bytes);
    let start = std::io::BufRead::fill_buf(&mut input)
        .map_err(|e| CliError::File(file.to_owned(), e))?
        .to_vec();
    let format = Format::detect(&file.to_string_lossy(), &start);
    read(input, format).map_err(|problems| {
        CliError::Import(
            problems
                .iter()
                .map(|p| format!("{}: {}", p.field, p.reason))
                .collect::<Vec<_>>()
                .join("\n"),
        )
    })
}

/// Imports `file` in one transaction, recorded as the command line's on behalf of `owner`.
fn import_incidents(
    tx: &crate::sql::Tx,
    file: &std::path::Path,
    owner: &AgencyKey,
    released_to: &[AgencyKey],
) -> Result<crate::incident_import::Outcome, CliError> {
    use crate::incident_import::{Format, import};
    let input: Box<dyn std::io::Read> = if file.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::fs::File::open(file).map_err(|e| CliError::File(file.to_owned(), e))?)
    };
    let mut input = std::io::BufReader::with_capacity(1 << 16, input);
    let start = std::io::BufRead::fill_buf(&mut input)
        .map_err(|e| CliError::File(file.to_owned(), e))?
        .to_vec();
    let by_name =
        file.extension()
            .and_then(|e| e.to_str())
            .map(|e| match e.to_ascii_lowercase().as_str() {
                "geojson" | "json" => "application/geo+json",
                _ => "text/csv",
            });
    let format = Format::detect(by_name, &start);
    let districts = crate::db::districts(tx)?;
    let actor = command_line(owner);
    let (outcome, _event) =
        import(tx, input, format, released_to, &districts, &actor).map_err(|e| match e {
            crate::store::StoreError::Invalid(problems) => CliError::Import(
                problems
                    .iter()
                    .map(|p| format!("{}: {}", p.field, p.reason))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            other => CliError::Import(other.to_string()),
        })?;
    Ok(outcome)
}
