//! The `citizen-desk` program. With no command (or only `--demo`,
//! `--data-dir DIR`, `--lang ar|en`) it opens the desk app; with a command
//! it is the command line. Everything it does is in the library.

#[cfg(feature = "gui")]
mod gui;

use std::process::ExitCode;

fn main() -> ExitCode {
    citizen_desk::files::private_by_default();
    #[cfg(feature = "gui")]
    if let Some(options) = gui_options() {
        return open_gui(options);
    }
    citizen_desk::cli::run()
}

/// The desk app's options, when the arguments ask for the app.
#[cfg(feature = "gui")]
fn gui_options() -> Option<gui::Options> {
    use citizen_desk::i18n::Lang;
    let mut args = std::env::args().skip(1);
    let mut demo = false;
    let mut data_dir = std::env::var_os("CITIZEN_DESK_DATA_DIR").map(std::path::PathBuf::from);
    // A language that is not one of ours is left to the command line,
    // which says so (never a silent Arabic).
    let mut lang = match std::env::var("CITIZEN_DESK_LANG") {
        Ok(l) => Lang::parse(&l)?,
        Err(_) => Lang::default(),
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--demo" => demo = true,
            "--data-dir" => data_dir = Some(args.next()?.into()),
            "--lang" => lang = Lang::parse(&args.next()?)?,
            // Anything else is the command line's.
            _ => return None,
        }
    }
    let data_dir = match data_dir {
        Some(d) => d,
        None => citizen_desk::store::default_data_dir().ok()?,
    };
    Some(gui::Options {
        data_dir,
        demo,
        lang,
    })
}

#[cfg(feature = "gui")]
fn open_gui(options: gui::Options) -> ExitCode {
    use std::io::Write;
    if !gui::has_display() {
        let m = citizen_desk::i18n::Message::new("gui-no-display");
        let _ = writeln!(std::io::stderr(), "{}", m.bilingual());
        return ExitCode::from(3);
    }
    match gui::run(options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            let _ = writeln!(std::io::stderr(), "{message}");
            ExitCode::from(1)
        }
    }
}
