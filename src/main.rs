//! The `citizen-desk` command. Everything it does is in the library; this
//! only parses arguments, reads PINs and prints.

fn main() -> std::process::ExitCode {
    citizen_desk::cli::run()
}
