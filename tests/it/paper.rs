//! Paper printing through a real CUPS queue. `.ci/run` starts cupsd, makes
//! a cups-pdf queue and names it in CITIZEN_DESK_TEST_PRINTER (and where
//! cups-pdf writes, in CITIZEN_DESK_TEST_PRINTER_OUT).

use std::time::{Duration, Instant};

use crate::common::*;

#[test]
fn an_original_goes_through_cups_and_comes_out_as_a_file() {
    let Some((printer, out_dir)) = test_printer() else {
        return;
    };
    let (dir, store) = demo_store(300);
    let tracking = find(&store, "state = 'approved' AND paid = 1");
    drop(store);
    let before: Vec<_> = std::fs::read_dir(&out_dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();

    let out = cli(dir.path(), &["printers"], None, None);
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains(&printer), "{}", stdout(&out));
    let out = cli(
        dir.path(),
        &["--user", "clerk1", "printers", "--use", &printer],
        Some(PIN),
        None,
    );
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    let out = cli(
        dir.path(),
        &[
            "--lang",
            "en",
            "--user",
            "clerk1",
            "print",
            &tracking,
            "--printer",
        ],
        Some(PIN),
        None,
    );
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("job"), "{}", stdout(&out));

    // cups-pdf writes the job as a new PDF file.
    let deadline = Instant::now() + Duration::from_secs(60);
    let file = loop {
        let now: Vec<_> = std::fs::read_dir(&out_dir)
            .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        if let Some(new) = now
            .into_iter()
            .find(|p| !before.contains(p) && p.to_string_lossy().contains(&tracking))
        {
            break new;
        }
        assert!(
            Instant::now() < deadline,
            "no output from the cups-pdf queue in {}",
            out_dir.display()
        );
        std::thread::sleep(Duration::from_millis(250));
    };
    std::thread::sleep(Duration::from_millis(500));
    let bytes = std::fs::read(&file).unwrap();
    assert!(
        bytes.starts_with(b"%PDF"),
        "{} is not a PDF",
        file.display()
    );
    let conn = rusqlite::Connection::open(dir.path().join("desk.sqlite3")).unwrap();
    let state: String = conn
        .query_row(
            "SELECT state FROM requests WHERE tracking_code = ?1",
            [&tracking],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(state, "printed");

    // An unknown printer is a clear error, and nothing is recorded.
    let other = find(
        &citizen_desk::store::Store::open(dir.path()).unwrap(),
        "state = 'approved' AND paid = 1",
    );
    let out = cli(
        dir.path(),
        &[
            "--lang",
            "en",
            "--user",
            "clerk1",
            "print",
            &other,
            "--printer",
            "NoSuchPrinter",
        ],
        Some(PIN),
        None,
    );
    assert_eq!(exit_code(&out), 1);
    assert!(stderr(&out).contains("NoSuchPrinter"), "{}", stderr(&out));
    let state: String = conn
        .query_row(
            "SELECT state FROM requests WHERE tracking_code = ?1",
            [&other],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(state, "approved");
}

/// The job states staff are told come from CUPS itself: a job held in the
/// queue is "held", and once cancelled (with CUPS's own `cancel`) it is
/// "cancelled", not "completed"; one that went through is "completed".
#[test]
fn job_states_are_what_cups_says() {
    use citizen_desk::documents::paper::{JobState, job_state, submit};
    let Some((printer, _)) = test_printer() else {
        return;
    };
    let (Some(lp), Some(cancel)) = (tool("lp"), tool("cancel")) else {
        return;
    };
    let dir = tempfile::TempDir::new().unwrap();
    let pdf = dir.path().join("held.pdf");
    let page = citizen_desk::documents::layout::Page::new(210.0, 297.0);
    let bytes = citizen_desk::documents::pdf::write_pdf(
        &[page],
        &citizen_desk::documents::pdf::PdfInfo {
            title: "held",
            seal: None,
        },
    );
    std::fs::write(&pdf, &bytes).unwrap();
    let out = std::process::Command::new(&lp)
        .args(["-d", &printer, "-H", "hold", pdf.to_str().unwrap()])
        .env("LC_ALL", "C")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    // "request id is CitizenDeskPDF-12 (1 file(s))"
    let job = stdout(&out).split_whitespace().nth(3).unwrap().to_owned();
    assert_eq!(job_state(&printer, &job).unwrap(), JobState::Held);
    let out = std::process::Command::new(&cancel)
        .arg(&job)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let deadline = Instant::now() + Duration::from_secs(30);
    while job_state(&printer, &job).unwrap() != JobState::Canceled {
        assert!(Instant::now() < deadline, "the cancelled job never said so");
        std::thread::sleep(Duration::from_millis(100));
    }

    let job = submit(&printer, &bytes, "completes").unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match job_state(&printer, &job).unwrap() {
            JobState::Completed => break,
            JobState::Pending | JobState::Processing => {}
            other => panic!("job {job}: {other:?}"),
        }
        assert!(Instant::now() < deadline, "job {job} never completed");
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// The two failures a desk meets most, caused for real: a paused queue (a
/// second cups-pdf queue made for this test, then disabled with CUPS's own
/// `cupsdisable`), and the scheduler out of reach (the CUPS client pointed
/// at a port nothing listens on). Each is a clear message in both
/// languages, exit code 1, and the request stays approved.
#[test]
fn a_paused_queue_and_cups_out_of_reach_are_clear_and_record_nothing() {
    let Some((printer, _)) = test_printer() else {
        return;
    };
    let (Some(lpadmin), Some(cupsdisable)) = (tool("lpadmin"), tool("cupsdisable")) else {
        return;
    };
    let queue = "CitizenDeskPaused";
    let made = std::process::Command::new(&lpadmin)
        .args([
            "-p",
            queue,
            "-E",
            "-v",
            "cups-pdf:/",
            "-P",
            "/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd",
        ])
        .output()
        .unwrap();
    assert!(made.status.success(), "lpadmin: {}", stderr(&made));
    // Removed again however the test ends.
    struct Queue<'a>(&'a std::path::Path, &'a str);
    impl Drop for Queue<'_> {
        fn drop(&mut self) {
            let _ = std::process::Command::new(self.0)
                .args(["-x", self.1])
                .output();
        }
    }
    let _queue = Queue(&lpadmin, queue);
    let paused = std::process::Command::new(&cupsdisable)
        .arg(queue)
        .output()
        .unwrap();
    assert!(paused.status.success(), "{}", stderr(&paused));

    let (dir, store) = demo_store(300);
    let tracking = find(&store, "state = 'approved' AND paid = 1");
    drop(store);
    let print = |printer: &str, cups_server: Option<&str>| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_citizen-desk"));
        cmd.arg("--data-dir")
            .arg(dir.path())
            .args(["--user", "clerk1", "print", &tracking, "--printer", printer])
            .env("CITIZEN_DESK_PIN", PIN);
        if let Some(server) = cups_server {
            cmd.env("CUPS_SERVER", server);
        }
        cmd.output().unwrap()
    };
    let out = print(queue, None);
    assert_eq!(exit_code(&out), 1, "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains("موقوفة مؤقتاً") && err.contains("is paused"),
        "{err}"
    );

    let out = print(&printer, Some("127.0.0.1:9"));
    assert_eq!(exit_code(&out), 1, "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains("خدمة الطباعة (CUPS) متوقفة") && err.contains("is not running"),
        "{err}"
    );

    let store = citizen_desk::store::Store::open(dir.path()).unwrap();
    assert_eq!(
        state_of(&store, &tracking).0,
        citizen_desk::domain::State::Approved
    );
}
