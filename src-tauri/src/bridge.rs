//! What every command shares: the reply type, running blocking file work off the async workers,
//! and argument groups that keep long commands short without changing the JSON the UI sends.

use ecsdesk_core::app::observability::on_service;
use ecsdesk_core::render::charts::{ChartOptions, Theme};
use ecsdesk_core::{CoreError, ErrorPayload, Session, SessionRegistry};
use tauri::ipc::{CommandArg, CommandItem, InvokeError};
use tauri::Runtime;

/// The result every command returns to the UI: the answer, or an `ErrorPayload` (core errors
/// convert with `?`).
pub type Reply<T> = Result<T, ErrorPayload>;

/// Runs blocking file or SQLite work on the blocking thread pool, so neither the main thread nor
/// an async worker waits on the disk.
pub async fn blocking<T, F>(work: F) -> Reply<T>
where
    F: FnOnce() -> Result<T, CoreError> + Send + 'static,
    T: Send + 'static,
{
    let done = tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|e| CoreError::Internal(format!("background work stopped: {e}")))?;
    Ok(done?)
}

/// Reads the argument `key` of a call exactly as a plain command parameter named `key` would be
/// read (same JSON key, same error when it is missing or malformed).
fn arg<'de, T: CommandArg<'de, R>, R: Runtime>(
    command: &CommandItem<'de, R>,
    key: &'static str,
) -> Result<T, InvokeError> {
    T::from_command(CommandItem {
        plugin: command.plugin,
        name: command.name,
        key,
        message: command.message,
        acl: command.acl,
    })
}

/// The service a call is about, from its `sessionId`, `cluster` and `service` arguments: a
/// parameter `at: ServiceAt` stands for those three plain parameters, so the UI sends the same
/// keys.
pub struct ServiceAt {
    pub session_id: String,
    pub cluster: String,
    pub service: String,
}

/// A core reader's answer in flight (what `futures::future::BoxFuture` names in the core).
pub type Reading<'a, T> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<T, CoreError>> + Send + 'a>>;

impl ServiceAt {
    /// The JSON keys it reads.
    pub const KEYS: [&'static str; 3] = ["sessionId", "cluster", "service"];

    /// Runs `read`, a core reader of one service, on this service's session.
    pub async fn read<T, F>(&self, registry: &SessionRegistry, read: F) -> Result<T, CoreError>
    where
        F: for<'a> FnOnce(&'a Session, &'a str, &'a str) -> Reading<'a, T>,
    {
        on_service(
            registry,
            &self.session_id,
            &self.cluster,
            &self.service,
            read,
        )
        .await
    }
}

impl<'de, R: Runtime> CommandArg<'de, R> for ServiceAt {
    fn from_command(command: CommandItem<'de, R>) -> Result<Self, InvokeError> {
        let [session_id, cluster, service] = Self::KEYS;
        Ok(ServiceAt {
            session_id: arg(&command, session_id)?,
            cluster: arg(&command, cluster)?,
            service: arg(&command, service)?,
        })
    }
}

/// How a chart is drawn, from a call's `theme`, `width` and `height` arguments: a parameter
/// `chart: ChartSize` stands for those three plain parameters.
pub struct ChartSize(pub ChartOptions);

impl ChartSize {
    /// The JSON keys it reads.
    pub const KEYS: [&'static str; 3] = ["theme", "width", "height"];
}

impl<'de, R: Runtime> CommandArg<'de, R> for ChartSize {
    fn from_command(command: CommandItem<'de, R>) -> Result<Self, InvokeError> {
        let [theme, width, height] = Self::KEYS;
        let theme: Theme = arg(&command, theme)?;
        Ok(ChartSize(ChartOptions {
            width: arg(&command, width)?,
            height: arg(&command, height)?,
            theme,
        }))
    }
}
