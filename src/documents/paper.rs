//! Paper printing through CUPS, with its command-line tools (`lpstat`,
//! `lp`), which every CUPS installation has; on Windows this is where a
//! spooler backend would go. Output is parsed in the C locale.

use std::process::Command;

use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Printer {
    pub name: String,
    pub enabled: bool,
    /// CUPS's own words for the state ("idle", "now printing …", "disabled").
    pub state: String,
    pub default: bool,
}

pub use crate::error::PaperError;

/// A job's state as CUPS reports it (IPP `job-state`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    Pending,
    Held,
    Processing,
    Stopped,
    Canceled,
    Aborted,
    Completed,
    /// Gone from the queue, but CUPS did not say how it ended (no ipptool).
    Ended,
    Unknown,
}

impl JobState {
    /// The message id that names the state to staff.
    pub fn message_id(self) -> &'static str {
        match self {
            JobState::Pending => "job-pending",
            JobState::Held => "job-held",
            JobState::Processing => "job-processing",
            JobState::Stopped => "job-stopped",
            JobState::Canceled => "job-canceled",
            JobState::Aborted => "job-aborted",
            JobState::Completed => "job-completed",
            JobState::Ended => "job-ended",
            JobState::Unknown => "job-unknown",
        }
    }

    fn from_ipp(keyword: &str) -> JobState {
        match keyword {
            "pending" => JobState::Pending,
            "pending-held" => JobState::Held,
            "processing" => JobState::Processing,
            "processing-stopped" => JobState::Stopped,
            "canceled" => JobState::Canceled,
            "aborted" => JobState::Aborted,
            "completed" => JobState::Completed,
            _ => JobState::Unknown,
        }
    }
}

/// An ipptool test asking the scheduler for one job's state.
const GET_JOB_STATE: &str = r#"{
  OPERATION Get-Job-Attributes
  GROUP operation-attributes-tag
  ATTR charset attributes-charset utf-8
  ATTR naturalLanguage attributes-natural-language en
  ATTR uri printer-uri $uri
  ATTR integer job-id $job_id
  ATTR name requesting-user-name $user
  ATTR keyword requested-attributes job-state
  DISPLAY job-state
}
"#;

fn run(program: &str, args: &[&str]) -> Result<(bool, String, String), PaperError> {
    let out = Command::new(program)
        .args(args)
        .env("LC_ALL", "C")
        .env("LANG", "C")
        .output()
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                PaperError::NotInstalled
            } else {
                PaperError::Failed(e.to_string())
            }
        })?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if stderr.contains("Scheduler is not running") || stderr.contains("Unable to connect to server")
    {
        return Err(PaperError::SchedulerDown);
    }
    Ok((out.status.success(), stdout, stderr))
}

/// Every CUPS queue and whether it can print now.
pub fn list_printers() -> Result<Vec<Printer>, PaperError> {
    let (_, stdout, stderr) = run("lpstat", &["-p"])?;
    let (_, default_out, _) = run("lpstat", &["-d"])?;
    let default = default_out
        .trim()
        .strip_prefix("system default destination: ")
        .map(str::to_owned);
    if stdout.trim().is_empty() && !stderr.trim().is_empty() && !stderr.contains("No destinations")
    {
        return Err(PaperError::Failed(stderr.trim().to_owned()));
    }
    let mut printers = Vec::new();
    for line in stdout.lines() {
        let Some(rest) = line.strip_prefix("printer ") else {
            continue;
        };
        let Some((name, state)) = rest.split_once(' ') else {
            continue;
        };
        let enabled = !state.contains("disabled");
        let state = state
            .split("  ")
            .next()
            .unwrap_or(state)
            .trim_end_matches('.')
            .trim()
            .to_owned();
        printers.push(Printer {
            default: default.as_deref() == Some(name),
            name: name.to_owned(),
            enabled,
            state,
        });
    }
    Ok(printers)
}

/// Checks that `name` exists and is enabled.
pub fn check_printer(name: &str) -> Result<Printer, PaperError> {
    let printer = list_printers()?
        .into_iter()
        .find(|p| p.name == name)
        .ok_or_else(|| PaperError::UnknownPrinter(name.to_owned()))?;
    if !printer.enabled {
        return Err(PaperError::Paused(name.to_owned()));
    }
    Ok(printer)
}

/// Sends a PDF to a queue and returns the CUPS job id.
pub fn submit(printer: &str, pdf: &[u8], title: &str) -> Result<String, PaperError> {
    check_printer(printer)?;
    let mut name = [0u8; 8];
    let _ = getrandom::fill(&mut name);
    let path = std::env::temp_dir().join(format!("citizen-desk-{}.pdf", hex::encode(name)));
    // Private like every file we write: it holds a citizen's document.
    crate::files::write_private(&path, pdf)
        .map_err(|e| PaperError::Failed(format!("{}: {e}", path.display())))?;
    let result = run("lp", &["-d", printer, "-t", title, &path.to_string_lossy()]);
    // lp has copied the file into the spool by the time it returns.
    let _ = std::fs::remove_file(&path);
    let (ok, stdout, stderr) = result?;
    if !ok {
        return Err(PaperError::Failed(stderr.trim().to_owned()));
    }
    stdout
        .split_whitespace()
        .skip_while(|w| *w != "is")
        .nth(1)
        .map(str::to_owned)
        .ok_or_else(|| PaperError::Failed(format!("unexpected lp output: {}", stdout.trim())))
}

/// Where a job is now: CUPS's own job state through `ipptool` (which tells
/// a completed job from a cancelled or aborted one); without ipptool, only
/// whether it is still queued.
pub fn job_state(printer: &str, job: &str) -> Result<JobState, PaperError> {
    // "CitizenDeskPDF-12" → 12
    let id = job
        .rsplit('-')
        .next()
        .and_then(|n| n.parse::<u32>().ok())
        .ok_or_else(|| PaperError::Failed(format!("not a CUPS job id: {job}")))?;
    match ipp_job_state(printer, id) {
        Ok(state) if state != JobState::Unknown => Ok(state),
        // No ipptool, or a scheduler it cannot ask the way lp does (a
        // local socket only): what lpstat knows.
        _ => queued_or_ended(printer, job),
    }
}

fn ipp_job_state(printer: &str, id: u32) -> Result<JobState, PaperError> {
    let mut name = [0u8; 8];
    let _ = getrandom::fill(&mut name);
    let test = std::env::temp_dir().join(format!("citizen-desk-job-{}.test", hex::encode(name)));
    std::fs::write(&test, GET_JOB_STATE)
        .map_err(|e| PaperError::Failed(format!("{}: {e}", test.display())))?;
    // The scheduler lp and lpstat use (`lpstat -H`: CUPS_SERVER, client.conf
    // or this machine's); a local socket is reached as localhost.
    let (_, server, _) = run("lpstat", &["-H"])?;
    let server = server.trim();
    let server = if server.is_empty() || server.starts_with('/') {
        "localhost"
    } else {
        server
    };
    let uri = format!("ipp://{server}/printers/{printer}");
    let result = run(
        "ipptool",
        &[
            "-c",
            "-d",
            &format!("job_id={id}"),
            &uri,
            &test.to_string_lossy(),
        ],
    );
    let _ = std::fs::remove_file(&test);
    let (ok, stdout, stderr) = result?;
    if !ok {
        return Err(PaperError::Failed(stderr.trim().to_owned()));
    }
    // CSV: a header line "job-state", then the value when the job exists.
    Ok(stdout
        .lines()
        .nth(1)
        .map(|v| JobState::from_ipp(v.trim()))
        .unwrap_or(JobState::Unknown))
}

fn queued_or_ended(printer: &str, job: &str) -> Result<JobState, PaperError> {
    let (_, done, _) = run("lpstat", &["-W", "completed", "-o", printer])?;
    if done
        .lines()
        .any(|l| l.split_whitespace().next() == Some(job))
    {
        return Ok(JobState::Ended);
    }
    let (_, queued, _) = run("lpstat", &["-o", printer])?;
    if queued
        .lines()
        .any(|l| l.split_whitespace().next() == Some(job))
    {
        return Ok(JobState::Pending);
    }
    Ok(JobState::Unknown)
}
