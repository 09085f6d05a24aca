//! Working days and service deadlines (SLA), in Damascus time on the Syrian
//! work week: Sunday to Thursday, Friday and Saturday off, plus the public
//! holidays listed in `assets/holidays.json`.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc, Weekday};
use chrono_tz::Asia::Damascus;
use serde::Deserialize;

use super::catalog::ServiceClass;

#[derive(Clone, Debug, Default)]
pub struct WorkCalendar {
    holidays: BTreeSet<NaiveDate>,
}

#[derive(Deserialize)]
struct HolidayFile {
    holidays: Vec<HolidayEntry>,
}

#[derive(Deserialize)]
struct HolidayEntry {
    date: NaiveDate,
}

const BUILTIN: &str = include_str!("../../assets/holidays.json");

impl WorkCalendar {
    pub fn builtin() -> Result<WorkCalendar, String> {
        WorkCalendar::from_json(BUILTIN)
    }

    /// A holiday list, refused if it leaves more than a month without a
    /// working day anywhere (a list gone wrong, which would move
    /// deadlines by months).
    pub fn from_json(text: &str) -> Result<WorkCalendar, String> {
        const LONGEST_BREAK_DAYS: u32 = 31;
        let file: HolidayFile =
            serde_json::from_str(text).map_err(|e| format!("invalid holiday list: {e}"))?;
        let calendar = WorkCalendar {
            holidays: file.holidays.into_iter().map(|h| h.date).collect(),
        };
        for &start in &calendar.holidays {
            let off = (0..=LONGEST_BREAK_DAYS)
                .take_while(|d| !calendar.is_working_day(start + Duration::days(i64::from(*d))))
                .count() as u32;
            if off > LONGEST_BREAK_DAYS {
                return Err(format!(
                    "invalid holiday list: no working day for more than {LONGEST_BREAK_DAYS} days from {start}"
                ));
            }
        }
        Ok(calendar)
    }

    pub fn with_holidays(dates: impl IntoIterator<Item = NaiveDate>) -> WorkCalendar {
        WorkCalendar {
            holidays: dates.into_iter().collect(),
        }
    }

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        !matches!(day.weekday(), Weekday::Fri | Weekday::Sat) && !self.holidays.contains(&day)
    }

    /// The first working day after `day`. Real calendars leave a few days
    /// off in a row at most; the search gives up after a year (a holiday
    /// list gone wrong, not a calendar) and answers the next day, so a
    /// deadline is always found.
    fn next_working_day(&self, day: NaiveDate) -> NaiveDate {
        const LONGEST_SEARCH_DAYS: u32 = 366;
        let mut next = day;
        for _ in 0..LONGEST_SEARCH_DAYS {
            next = next.succ_opt().unwrap_or(next);
            if self.is_working_day(next) {
                return next;
            }
        }
        day.succ_opt().unwrap_or(day)
    }

    /// When a request submitted at `submitted` is due.
    ///
    /// Fast: 24 hours later; if that lands on a day off, the same time of
    /// day on the next working day. Slow: the same time of day after N
    /// working days, counting from the submission date.
    pub fn due_at(&self, class: &ServiceClass, submitted: DateTime<Utc>) -> DateTime<Utc> {
        let local = submitted.with_timezone(&Damascus).naive_local();
        let due_local = match class {
            ServiceClass::Fast => {
                let due = local + Duration::hours(24);
                if self.is_working_day(due.date()) {
                    due
                } else {
                    self.next_working_day(due.date()).and_time(due.time())
                }
            }
            ServiceClass::Slow { working_days } => {
                let mut day = local.date();
                for _ in 0..*working_days {
                    day = self.next_working_day(day);
                }
                day.and_time(local.time())
            }
        };
        damascus_to_utc(due_local)
    }
}

/// Damascus local time to UTC. Syria has kept UTC+3 all year since 2022;
/// for older dates with DST gaps or folds, the earlier instant is taken.
fn damascus_to_utc(local: NaiveDateTime) -> DateTime<Utc> {
    match Damascus.from_local_datetime(&local) {
        chrono::LocalResult::Single(t) => t.with_timezone(&Utc),
        chrono::LocalResult::Ambiguous(a, _) => a.with_timezone(&Utc),
        chrono::LocalResult::None => Damascus
            .from_local_datetime(&(local + Duration::hours(1)))
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|| Utc.from_utc_datetime(&local)),
    }
}

/// Midnight (Damascus) at the start of `day`, in UTC.
pub fn damascus_midnight(day: NaiveDate) -> DateTime<Utc> {
    let naive = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    Damascus
        .from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&naive))
}

/// The calendar date in Damascus of an instant.
pub fn damascus_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&Damascus).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn fast_service_is_due_a_day_later_on_a_working_day() {
        let cal = WorkCalendar::default();
        // Sunday 10:00 Damascus (07:00 UTC) -> Monday 10:00.
        assert_eq!(
            cal.due_at(&ServiceClass::Fast, at("2026-11-29T07:00:00Z")),
            at("2026-11-30T07:00:00Z")
        );
    }

    #[test]
    fn fast_deadline_on_friday_moves_to_sunday() {
        let cal = WorkCalendar::default();
        // Thursday 2026-11-26 14:00 local -> Friday -> Sunday 2026-11-29 14:00.
        assert_eq!(
            cal.due_at(&ServiceClass::Fast, at("2026-11-26T11:00:00Z")),
            at("2026-11-29T11:00:00Z")
        );
    }

    #[test]
    fn slow_service_counts_working_days_and_holidays() {
        let cal = WorkCalendar::with_holidays([NaiveDate::from_ymd_opt(2026, 12, 8).unwrap()]);
        // Monday 2026-12-07 09:00 local, 3 working days: Tue 8th is a holiday,
        // so Wed 9, Thu 10, (Fri, Sat off) Sun 13.
        let due = cal.due_at(
            &ServiceClass::Slow { working_days: 3 },
            at("2026-12-07T06:00:00Z"),
        );
        assert_eq!(due, at("2026-12-13T06:00:00Z"));
    }

    #[test]
    fn damascus_midnight_boundary_uses_local_date() {
        // 22:30 UTC on Thursday is 01:30 Friday in Damascus.
        assert_eq!(
            damascus_date(at("2026-11-26T22:30:00Z")),
            NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
        );
        let cal = WorkCalendar::default();
        assert!(!cal.is_working_day(damascus_date(at("2026-11-26T22:30:00Z"))));
    }

    #[test]
    fn builtin_holidays_load() {
        let cal = WorkCalendar::builtin().unwrap();
        assert!(!cal.is_working_day(NaiveDate::from_ymd_opt(2026, 12, 8).unwrap()));
        assert!(cal.is_working_day(NaiveDate::from_ymd_opt(2026, 12, 9).unwrap()));
    }

    /// Before 2022 Syria moved its clocks: a local time in the spring gap
    /// (26 March 2021, 00:00 → 01:00) is taken an hour later, one in the
    /// autumn fold at its first passing.
    #[test]
    fn local_times_in_old_clock_changes_resolve() {
        let local = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        assert_eq!(
            damascus_to_utc(local("2021-03-26 00:30")),
            at("2021-03-25T22:30:00Z")
        );
        assert_eq!(
            damascus_to_utc(local("2021-03-25 23:30")),
            at("2021-03-25T21:30:00Z")
        );
        // 29 October 2021 00:00 went back to 23:00: 23:30 came twice.
        assert_eq!(
            damascus_to_utc(local("2021-10-28 23:30")),
            at("2021-10-28T20:30:00Z")
        );
        assert_eq!(
            damascus_to_utc(local("2026-11-29 10:00")),
            at("2026-11-29T07:00:00Z")
        );
    }

    #[test]
    fn the_work_week_is_sunday_to_thursday() {
        let cal = WorkCalendar::default();
        // 2026-11-29 is a Sunday.
        let week: Vec<bool> = (0..7)
            .map(|d| {
                cal.is_working_day(
                    NaiveDate::from_ymd_opt(2026, 11, 29).unwrap() + Duration::days(d),
                )
            })
            .collect();
        assert_eq!(week, [true, true, true, true, true, false, false]);
    }

    /// A holiday list that leaves no working day (a year of holidays) still
    /// gives a deadline: the search is bounded.
    #[test]
    fn a_calendar_with_no_working_day_still_answers() {
        let start = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let cal = WorkCalendar::with_holidays((0..800).map(|d| start + Duration::days(d)));
        let due = cal.due_at(
            &ServiceClass::Slow { working_days: 2 },
            at("2026-03-01T06:00:00Z"),
        );
        assert_eq!(due, at("2026-03-03T06:00:00Z"));
        let fast = cal.due_at(&ServiceClass::Fast, at("2026-03-01T06:00:00Z"));
        assert_eq!(fast, at("2026-03-03T06:00:00Z"));
    }

    #[test]
    fn a_long_run_of_days_off_is_crossed() {
        // Eid: Thursday to the next Tuesday off, with the weekend between.
        let eid = (0..6).map(|d| NaiveDate::from_ymd_opt(2026, 3, 19).unwrap() + Duration::days(d));
        let cal = WorkCalendar::with_holidays(eid);
        // Wednesday 18th 09:00, fast: due Thursday, which is off, so the
        // next working day is Wednesday 25th.
        assert_eq!(
            cal.due_at(&ServiceClass::Fast, at("2026-03-18T06:00:00Z")),
            at("2026-03-25T06:00:00Z")
        );
        assert!(WorkCalendar::from_json("{\"holidays\": [{\"date\": \"2026-13-01\"}]}").is_err());
        // A list that closes the desk for five weeks is refused.
        let dates: Vec<String> = (0..35)
            .map(|d| {
                let day = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap() + Duration::days(d);
                format!("{{\"date\": \"{day}\"}}")
            })
            .collect();
        let text = format!("{{\"holidays\": [{}]}}", dates.join(","));
        let err = WorkCalendar::from_json(&text).unwrap_err();
        assert!(err.contains("2026-06-01"), "{err}");
        let shorter = format!("{{\"holidays\": [{}]}}", dates[..20].join(","));
        assert!(WorkCalendar::from_json(&shorter).is_ok());
        // Exactly a month off (31 days, Sunday 3 January to Tuesday 2
        // February 2027, a working Wednesday after it) is still allowed.
        let month: Vec<String> = (0..31)
            .map(|d| {
                let day = NaiveDate::from_ymd_opt(2027, 1, 3).unwrap() + Duration::days(d);
                format!("{{\"date\": \"{day}\"}}")
            })
            .collect();
        let text = format!("{{\"holidays\": [{}]}}", month.join(","));
        assert!(WorkCalendar::from_json(&text).is_ok());
    }
}
