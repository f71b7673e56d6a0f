//! What the command line shows, and where: `--json` output, text from the server escaped for a
//! terminal, logs on stderr without secrets, and the progress bar on a terminal.

mod escapes;
mod json;
mod logs;
mod progress_bar;
