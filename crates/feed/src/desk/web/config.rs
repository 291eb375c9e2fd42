//! The desk page's settings, written once by the IT person in one file (`desk.conf`):
//! one `name = value` a line, `#` starts a comment, paths relative to the file's own
//! folder. Flags on the command line (`--db`, `--listen`, `--password-file`) win.
//!
//! ```text
//! db = desk.sqlite
//! intake = https://intake.example.org      # the intake server (desk pull, and the feed's intake/intake)
//! token_file = intake.token
//! desk_key = desk.key                      # its .pub goes into the feed (seal_key = … to name another)
//! sign_key = union.key                     # the publisher's key: signs the manifest and the cards
//! card_valid_until = 2027-12-31
//! stations = 站点.xlsx                    # the station sheet, as `build --stations` reads it
//! datum = gcj02                            # gcj02 (Amap), bd09 (Baidu) or wgs84; region, mapping as build's
//! campaigns = campaigns.json
//! unions = unions.json
//! holidays = holidays.txt
//! publication = feed/                      # the folder the next feed is written into
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every setting a name, what it is for (the error for an unknown name lists them).
const NAMES: [&str; 19] = [
    "db",
    "listen",
    "password_file",
    "intake",
    "token_file",
    "desk_key",
    "seal_key",
    "sign_key",
    "card_valid_until",
    "stations",
    "datum",
    "region",
    "mapping",
    "campaigns",
    "unions",
    "holidays",
    "publication",
    "publisher",
    "publisher_phone",
];

/// The settings read: each name's value, paths already resolved.
#[derive(Clone, Debug, Default)]
pub struct Config {
    values: BTreeMap<String, String>,
    /// The file's folder, against which relative paths resolve.
    base: PathBuf,
}

/// The settings whose values are files or folders.
const PATHS: [&str; 12] = [
    "db",
    "password_file",
    "token_file",
    "desk_key",
    "seal_key",
    "sign_key",
    "stations",
    "mapping",
    "campaigns",
    "unions",
    "holidays",
    "publication",
];

impl Config {
    /// Reads a config file's text (`file` names it in errors): every bad line is one
    /// `FILE:LINE: reason`, all of them at once.
    pub fn parse(file: &str, text: &str) -> Result<Config, String> {
        let base = Path::new(file)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let mut config = Config {
            values: BTreeMap::new(),
            base,
        };
        let mut errors = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let Some((name, value)) = line.split_once('=') else {
                errors.push(format!("{file}:{}: not `name = value`", n + 1));
                continue;
            };
            let (name, value) = (name.trim(), value.trim());
            if !NAMES.contains(&name) {
                errors.push(format!(
                    "{file}:{}: unknown setting `{name}` (known: {})",
                    n + 1,
                    NAMES.join(", ")
                ));
                continue;
            }
            config.set(name, value);
        }
        if errors.is_empty() {
            Ok(config)
        } else {
            Err(errors.join("\n"))
        }
    }

    /// Sets `name` (a flag given on the command line wins over the file).
    pub fn set(&mut self, name: &str, value: &str) {
        let value = if PATHS.contains(&name) && !Path::new(value).is_absolute() {
            self.base.join(value).to_string_lossy().into_owned()
        } else {
            value.to_string()
        };
        self.values.insert(name.to_string(), value);
    }

    /// A flag's value as given (relative to the current folder, not the file's).
    pub fn set_given(&mut self, name: &str, value: &str) {
        self.values.insert(name.to_string(), value.to_string());
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.values
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// A setting a step needs, or the message naming it.
    pub fn need(&self, name: &str) -> Result<&str, String> {
        self.get(name)
            .ok_or_else(|| format!("配置文件缺少 `{name}` (the config file has no `{name} = …`)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_resolve_paths_against_the_file_and_bad_lines_are_named() {
        let c = Config::parse(
            "/etc/yizhan/desk.conf",
            "# 工会服务台\ndb = desk.sqlite\nintake = https://i.example.org # 收件\n\
             publication=/srv/feed\n",
        )
        .unwrap();
        assert_eq!(c.get("db"), Some("/etc/yizhan/desk.sqlite"));
        assert_eq!(c.get("intake"), Some("https://i.example.org"));
        assert_eq!(c.get("publication"), Some("/srv/feed"));
        assert!(c.need("sign_key").unwrap_err().contains("sign_key"));
        let err = Config::parse("d.conf", "db desk.sqlite\nkey = x\n").unwrap_err();
        assert!(err.contains("d.conf:1: not `name = value`"), "{err}");
        assert!(err.contains("d.conf:2: unknown setting `key`"), "{err}");
    }
}
