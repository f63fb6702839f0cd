//! A task's log streams: opened when its containers start, closed with their last lines.

use super::{Env, STREAMS_KEPT};
use crate::world::{Behaviour, LogGroup, LogStream, Service, Task};

/// Open a log stream per logging container of a task that just started.
pub(super) fn open_stream(svc: &Service, env: &mut Env<'_>, task: &Task, t: f64) {
    let Some(td) = env
        .task_definitions
        .iter()
        .find(|d| d.arn == task.task_definition)
    else {
        return;
    };
    for c in &td.containers {
        let (Some(group), Some(prefix)) = (&c.log_group, &c.log_stream_prefix) else {
            continue;
        };
        let idx = match env.log_groups.iter().position(|g| &g.name == group) {
            Some(i) => i,
            None => {
                env.log_groups.push(LogGroup {
                    name: group.clone(),
                    created_at: t,
                    retention_days: None,
                    shown_in: (td.region != env.region).then(|| td.region.clone()),
                    streams: Vec::new(),
                });
                env.log_groups.len() - 1
            }
        };
        let port = c.ports.first().copied().unwrap_or(8080);
        let version = c.image.rsplit(':').next().unwrap_or("latest");
        let mut events = vec![
            (
                t,
                format!("Starting {} {version} (task {})", c.name, task.id),
            ),
            (
                t + 0.4,
                format!("Loaded configuration for {} in {}", svc.name, env.region),
            ),
        ];
        if !matches!(task.behaviour, Behaviour::CrashLoop { .. }) {
            events.push((t + 1.2, format!("Listening on :{port}")));
        }
        let group = &mut env.log_groups[idx];
        group.streams.push(LogStream {
            name: format!("{prefix}/{}/{}", c.name, task.id),
            created_at: t,
            task_id: task.id.clone(),
            service: svc.name.clone(),
            behaviour: task.behaviour.clone(),
            started_at: t,
            stopped_at: None,
            events,
        });
        if group.streams.len() > STREAMS_KEPT {
            let excess = group.streams.len() - STREAMS_KEPT;
            group.streams.drain(..excess);
        }
    }
}

/// Mark a task's streams stopped at `t`, adding its last lines.
pub(super) fn close_streams(env: &mut Env<'_>, task_id: &str, t: f64, lines: &[String]) {
    for group in env.log_groups.iter_mut() {
        for stream in group.streams.iter_mut().rev() {
            if stream.task_id == task_id && stream.stopped_at.is_none() {
                for (i, line) in lines.iter().enumerate() {
                    stream.events.push((t + i as f64 * 0.001, line.clone()));
                }
                stream.stopped_at = Some(t + lines.len() as f64 * 0.001);
            }
        }
    }
}
