use super::*;

fn act(epoch: i64, to: i32, direction: Direction) -> ActivityView {
    ActivityView {
        at: String::new(),
        epoch,
        to: Some(to),
        direction,
        what: String::new(),
        why: String::new(),
        status: "Successful".into(),
        raw: String::new(),
    }
}

const LIMITS: ScalingLimits = ScalingLimits { min: 2, max: 8 };

#[test]
fn out_in_out_within_an_hour_is_thrashing_but_not_three_outs() {
    let now = 10_000;
    let swing = [
        act(now - 3000, 3, Direction::Out),
        act(now - 2000, 2, Direction::In),
        act(now - 600, 3, Direction::Out),
    ];
    let w = warnings(LIMITS, 3, &swing, now);
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].code, "thrashing");
    assert!(w[0].message.contains("up 2 and down 1"), "{}", w[0].message);
    let climb = [
        act(now - 3000, 3, Direction::Out),
        act(now - 2000, 4, Direction::Out),
        act(now - 600, 5, Direction::Out),
    ];
    assert!(warnings(LIMITS, 5, &climb, now).is_empty());
    // The same swing spread over more than an hour is not thrashing.
    let slow = [
        act(now - 9000, 3, Direction::Out),
        act(now - 5000, 2, Direction::In),
        act(now - 600, 3, Direction::Out),
    ];
    assert!(warnings(LIMITS, 3, &slow, now).is_empty());
}

#[test]
fn at_the_maximum_says_what_the_scaler_wanted() {
    let now = 10_000;
    let blocked = [act(now - 300, 5, Direction::None)];
    let limits = ScalingLimits { min: 1, max: 4 };
    let w = warnings(limits, 4, &blocked, now);
    assert_eq!(w[0].code, "atMaximum");
    assert!(w[0].message.contains("wanted 5"), "{}", w[0].message);
    assert!(w[0].message.contains("4 tasks"), "{}", w[0].message);
    assert!(warnings(limits, 3, &blocked, now).is_empty());
}

#[test]
fn limits_widen_to_hold_a_count() {
    assert!(LIMITS.holds(8) && !LIMITS.holds(9) && !LIMITS.holds(1));
    assert_eq!(LIMITS.widened_to(12), ScalingLimits { min: 2, max: 12 });
    assert_eq!(LIMITS.widened_to(1), ScalingLimits { min: 1, max: 8 });
    assert_eq!(LIMITS.words(), "2–8 tasks");
}

#[test]
fn activities_and_policies_read_in_plain_words() {
    assert_eq!(count_in("Setting desired count to 4."), Some(4));
    assert_eq!(count_in("no number"), None);
    assert_eq!(direction(Some(3), Some(4), true), Direction::Out);
    assert_eq!(direction(Some(3), Some(2), true), Direction::In);
    assert_eq!(direction(Some(4), Some(5), false), Direction::None);
    assert_eq!(
        cause_words("monitor alarm TargetTracking-service/c/s-AlarmHigh-1 in state ALARM triggered policy p1"),
        "Load above the target of policy p1"
    );
    assert_eq!(
        cause_words("maximum capacity was set to 2"),
        "The maximum was changed to 2"
    );
    let tt = target_tracking_words(
        "ECSServiceAverageCPUUtilization",
        60.0,
        Some(300),
        Some(300),
        false,
    );
    assert_eq!(
        tt,
        "Keeps average CPU near 60 %: adds tasks after 3 minutes above it, removes tasks after 15 minutes below 54 %; waits 5 min after adding and 5 min after removing."
    );
    assert_eq!(
        step_words(Some(0.0), Some(500.0), 1, "ChangeInCapacity"),
        "adds 1 task (0–500 past the alarm's threshold)"
    );
    assert_eq!(
        schedule_words("cron(0 7 ? * MON-FRI *)", Some("America/New_York")).as_deref(),
        Some("Weekdays at 07:00 (America/New_York)")
    );
    assert_eq!(
        schedule_words("rate(1 hour)", None).as_deref(),
        Some("Every 1 hour")
    );
    assert_eq!(schedule_words("cron(0 7 1 * ? *)", None), None);
}
