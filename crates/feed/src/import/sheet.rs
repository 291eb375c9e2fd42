//! A station sheet's bytes as rows of text cells, whatever the union saved it as:
//! `.xlsx`/`.xlsm`/`.xls`/`.ods` (the first sheet, read by calamine), or CSV in UTF-8
//! (with or without the BOM Excel writes) or GB18030/GBK (what WPS and Excel save as
//! "CSV" in China), told apart by whether the bytes are valid UTF-8.

use crate::Diagnostic;
use calamine::{open_workbook_auto_from_rs, Data, Reader};
use std::io::Cursor;

/// One row of the sheet: its number as the union's program shows it (CSV: the line
/// it starts on), and its cells as text, trimmed.
#[derive(Clone, Debug, PartialEq)]
pub struct SheetRow {
    pub number: u64,
    pub cells: Vec<String>,
}

/// Reads `bytes` (the file named `file`): the header row first, then the rest;
/// blank rows left out. `read_sheet("站点.xlsx", &bytes)`.
pub fn read_sheet(file: &str, bytes: &[u8]) -> Result<Vec<SheetRow>, Diagnostic> {
    let lower = file.to_lowercase();
    let rows = if [".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"]
        .iter()
        .any(|e| lower.ends_with(e))
    {
        workbook(file, bytes)?
    } else {
        csv_rows(file, &decode(file, bytes)?)?
    };
    Ok(rows
        .into_iter()
        .filter(|r| r.cells.iter().any(|c| !c.is_empty()))
        .collect())
}

/// The text of a CSV file: UTF-8 (a BOM dropped), else GB18030.
pub fn decode(file: &str, bytes: &[u8]) -> Result<String, Diagnostic> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_string());
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        // Point at the line of the first byte neither encoding reads.
        let valid = std::str::from_utf8(bytes).map_or_else(|e| e.valid_up_to(), |_| 0);
        let line = bytes[..valid].iter().filter(|b| **b == b'\n').count() as u64 + 1;
        return Err(fail(
            file,
            line,
            "is neither UTF-8 nor GB18030 (GBK) text: save it again from WPS or Excel as \
             \"CSV UTF-8\", or as .xlsx"
                .into(),
        ));
    }
    Ok(text.into_owned())
}

fn csv_rows(file: &str, text: &str) -> Result<Vec<SheetRow>, Diagnostic> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            fail(file, line, format!("this line cannot be read as CSV: {e}"))
        })?;
        // The line from the record's first byte: the csv crate's own line count lags
        // by one after a CRLF, which is how WPS and Excel end lines.
        let bytes = text.as_bytes();
        let mut start = record
            .position()
            .map_or(0, |p| p.byte() as usize)
            .min(bytes.len());
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        rows.push(SheetRow {
            number: bytes[..start].iter().filter(|b| **b == b'\n').count() as u64 + 1,
            cells: record.iter().map(|c| c.trim().to_string()).collect(),
        });
    }
    Ok(rows)
}

fn workbook(file: &str, bytes: &[u8]) -> Result<Vec<SheetRow>, Diagnostic> {
    let unreadable = |e: String| {
        fail(
            file,
            0,
            format!("cannot be opened as a spreadsheet ({e}); is it really an Excel/WPS file?"),
        )
    };
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes.to_vec()))
        .map_err(|e| unreadable(e.to_string()))?;
    let range = match book.worksheet_range_at(0) {
        Some(r) => r.map_err(|e| unreadable(e.to_string()))?,
        None => return Err(fail(file, 0, "has no sheet".into())),
    };
    // Row numbers as WPS and Excel show them: 1-based, counting from the sheet's top.
    let (top, left) = range.start().unwrap_or((0, 0));
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, cells)| SheetRow {
            number: u64::from(top) + i as u64 + 1,
            cells: std::iter::repeat_n(String::new(), left as usize)
                .chain(cells.iter().map(cell_text))
                .collect(),
        })
        .collect())
}

/// A cell as the text a person sees: numbers without a trailing `.0`, dates as
/// `YYYY-MM-DD`, an error cell (`#N/A`) as its code.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::DateTime(d) if !d.is_datetime() => d.as_f64().to_string(),
        Data::DateTime(d) => {
            let serial = d.as_f64();
            let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default();
            let day = epoch + chrono::Duration::days(serial.floor() as i64);
            day.format("%Y-%m-%d").to_string()
        }
        other => other.to_string().trim().to_string(),
    }
}

fn fail(file: &str, line: u64, message: String) -> Diagnostic {
    Diagnostic {
        file: file.to_string(),
        line,
        message,
        warning: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom_and_gb18030_read_the_same() {
        let text = "站点名称,经度\n黄山路驿站,115.98\n";
        let (gbk, _, _) = encoding_rs::GB18030.encode(text);
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        for bytes in [text.as_bytes().to_vec(), bom, gbk.into_owned()] {
            let rows = read_sheet("s.csv", &bytes).unwrap();
            assert_eq!(rows[1].cells, ["黄山路驿站", "115.98"]);
            assert_eq!(rows[1].number, 2);
        }
    }

    #[test]
    fn rows_are_numbered_by_the_line_they_start_on_whatever_the_line_ends() {
        for text in ["a\nb\n\"c\nc\"\nd\n", "a\r\nb\r\n\"c\r\nc\"\r\nd\r\n"] {
            let rows = read_sheet("s.csv", text.as_bytes()).unwrap();
            let numbers: Vec<u64> = rows.iter().map(|r| r.number).collect();
            assert_eq!(numbers, [1, 2, 3, 5], "{text:?}");
        }
    }

    #[test]
    fn bytes_that_are_no_text_say_what_to_do() {
        let e = read_sheet("s.csv", b"name\n\xFF\xFF\xFF\n").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("s.csv:2: is neither UTF-8 nor GB18030"),
            "{e}"
        );
        let e = read_sheet("s.xlsx", b"not a zip").unwrap_err();
        assert!(
            e.to_string().contains("cannot be opened as a spreadsheet"),
            "{e}"
        );
    }
}
