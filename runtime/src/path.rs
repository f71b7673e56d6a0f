//! Path parameters that would change the request's path are refused before anything is sent.
//!
//! Ids go into the path percent-encoded, so `/`, `?` and `#` cannot add a segment or start a
//! query. But URL parsers resolve the dot segments `.` and `..` (and their encoded forms) before
//! the request leaves, so `user_tokens_delete("..")` would send `DELETE /user/`; an empty id
//! drops a segment the same way. No id of the API is any of these, nor holds a control
//! character, so such a value is a mistake (or an attack) to report, not a request to make.

use crate::{Error, Operation, Result};

/// Checks every path parameter of a call of `operation`, as `(name, value)` pairs; the generated
/// methods call it before they start the call.
pub fn check(operation: &'static Operation, parameters: &[(&'static str, &str)]) -> Result<()> {
    for &(name, value) in parameters {
        if let Some(problem) = problem(value) {
            return Err(Error::bad_path_parameter(
                Some(operation),
                name,
                value,
                problem,
            ));
        }
    }
    Ok(())
}

/// Checks an id the way every method checks the path parameters it sends: an empty id, `.`,
/// `..` or one holding a control character is refused as
/// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest), with
/// [`Error::invalid_parameter`] naming `parameter`.
///
/// Methods need no help; this is for a caller that must refuse a bad id *before* a call that
/// does not take it, such as the check "does AI Search use this token?" made before deleting it.
pub fn check_id(parameter: &'static str, id: &str) -> Result<()> {
    match problem(id) {
        Some(problem) => Err(Error::bad_path_parameter(None, parameter, id, problem)),
        None => Ok(()),
    }
}

/// Why `value` cannot be a segment of a request's path, if it cannot.
fn problem(value: &str) -> Option<&'static str> {
    if value.is_empty() {
        Some("would drop a segment of the request's path")
    } else if value == "." || value == ".." {
        Some("would change the request's path")
    } else if value.chars().any(char::is_control) {
        Some("holds a control character")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    static OPERATION: Operation = Operation {
        id: "things_delete",
        method: "DELETE",
        path: "/things/{thing_id}",
        permissions: &[],
        token_groups: &[],
    };

    #[test]
    fn dot_segments_empty_values_and_control_characters_are_refused() {
        for bad in [
            "",
            ".",
            "..",
            "a\nb",
            "\u{1b}[2J",
            "tab\there",
            "\u{7f}",
            "\u{85}",
        ] {
            let error = check(&OPERATION, &[("ok_id", "fine"), ("thing_id", bad)]).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::InvalidRequest, "{bad:?}");
            assert_eq!(error.invalid_parameter(), Some("thing_id"), "{bad:?}");
            let text = error.to_string();
            assert!(text.contains("path parameter `thing_id`"), "{text}");
            // The value is quoted with its control characters escaped.
            assert!(!text.chars().any(char::is_control), "{text:?}");
        }
    }

    #[test]
    fn an_id_checked_alone_is_refused_as_a_method_would_refuse_it() {
        for bad in ["", ".", "..", "a\u{1b}b"] {
            let alone = check_id("token_id", bad).unwrap_err();
            let sent = check(&OPERATION, &[("token_id", bad)]).unwrap_err();
            assert_eq!(alone.kind(), ErrorKind::InvalidRequest, "{bad:?}");
            assert_eq!(alone.invalid_parameter(), Some("token_id"), "{bad:?}");
            assert_eq!(alone.operation(), None, "{bad:?}");
            let detail = |e: &Error| {
                e.to_string()
                    .split_once("invalid request: ")
                    .unwrap()
                    .1
                    .to_string()
            };
            assert_eq!(detail(&alone), detail(&sent));
        }
        assert!(check_id("token_id", "023e105f4ecef8ad9ca31a8372d0c353").is_ok());
    }

    #[test]
    fn ordinary_ids_pass_even_with_dots_and_slashes() {
        for good in [
            "...",
            ".a",
            "a.",
            "a/b?c#d e",
            "%2e%2e",
            "ｆｕｌｌ",
            "023e105f4ecef8ad9ca31a8372d0c353",
        ] {
            assert!(check(&OPERATION, &[("thing_id", good)]).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn long_values_are_shortened_in_the_message() {
        let long = format!("{}\n", "x".repeat(500));
        let text = check(&OPERATION, &[("thing_id", &long)])
            .unwrap_err()
            .to_string();
        assert!(text.contains(&format!("\"{}…\"", "x".repeat(40))), "{text}");
    }
}
