//! Whether a failed request may have taken effect, for any method.

use cloudflare_tokens_generated::{Error, ErrorKind};

/// Whether the request may have been carried out although its answer did not arrive intact:
/// it reached Cloudflare and then the connection dropped, the deadline passed, the body was
/// unreadable or too large, or the answer was a server error or a redirect.
///
/// [`Error::is_outcome_unknown`] answers this for creates only (those are never retried); a
/// rotation must ask it of its update and deletes too, whose outcome decides which API token
/// the registration names and whether one is gone.
pub(crate) fn may_have_landed(error: &Error) -> bool {
    let refused = error.http_status().is_some_and(|s| s.is_client_error());
    match error.kind() {
        ErrorKind::Transport
        | ErrorKind::Decode
        | ErrorKind::Timeout
        | ErrorKind::ResponseTooLarge => error.may_have_reached_server() && !refused,
        ErrorKind::Api | ErrorKind::Http => {
            error.http_status().is_some_and(|s| s.is_server_error())
        }
        ErrorKind::Redirect => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::StatusCode;

    #[test]
    fn a_refusal_did_not_land_and_a_server_error_may_have() {
        let refused = Error::new(ErrorKind::Api, None).with_status(StatusCode::BAD_REQUEST);
        assert!(!may_have_landed(&refused));
        let server = Error::new(ErrorKind::Api, None).with_status(StatusCode::BAD_GATEWAY);
        assert!(may_have_landed(&server));
        assert!(!may_have_landed(&Error::new(ErrorKind::Config, None)));
    }
}
