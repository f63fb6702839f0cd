//! Reads shared between views: within its freshness window a key is fetched once, and callers
//! that ask while the fetch is in flight wait for it instead of calling AWS again (coalescing).
//!
//! The services list, the health roll-up of that list, the service page, its health banner,
//! its target health and its charts all start from the same DescribeServices answers; without
//! this each view would pay for its own copy (and AWS throttles).

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::OnceCell;

use crate::error::CoreError;

/// How long describe answers (services, tasks) are shared: the UI's own stale time.
pub const DESCRIBE_TTL: Duration = Duration::from_secs(5);
/// How long answers that change only on deployments (task definitions, target groups) are kept.
pub const DEFINITION_TTL: Duration = Duration::from_secs(600);
/// Most keys one table keeps; older entries are dropped first when it is full.
const MAX_ENTRIES: usize = 4_096;

/// The tables of a [`SessionReads`], by name and type.
type Tables = HashMap<(&'static str, TypeId), Arc<dyn Any + Send + Sync>>;

/// One key's value (or the fetch in flight) and when that fetch started.
type Slot<V> = (Instant, Arc<OnceCell<V>>);

/// A table of values fetched at most once per key within `ttl` (cheap to share behind an `Arc`).
#[derive(Debug)]
pub struct Freshness<K, V> {
    ttl: Duration,
    slots: Mutex<HashMap<K, Slot<V>>>,
}

impl<K: Eq + Hash + Clone, V: Clone> Freshness<K, V> {
    /// An empty table whose values stay fresh for `ttl`.
    pub fn new(ttl: Duration) -> Self {
        Freshness {
            ttl,
            slots: Mutex::new(HashMap::new()),
        }
    }

    /// The value of `key`: the fresh one, the one being fetched, or a new `fetch`. A failed
    /// fetch is not remembered (the next caller tries again).
    pub async fn get<F, Fut>(&self, key: K, fetch: F) -> Result<V, CoreError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, CoreError>>,
    {
        let cell = self.slot(key);
        cell.get_or_try_init(fetch).await.cloned()
    }

    /// The fresh value of `key`, if there is one (never fetches).
    pub fn peek(&self, key: &K) -> Option<V> {
        let slots = self.slots.lock().ok()?;
        slots
            .get(key)
            .filter(|(at, _)| at.elapsed() < self.ttl)
            .and_then(|(_, cell)| cell.get().cloned())
    }

    /// Stores `value` as freshly fetched (e.g. the services a list call described).
    pub fn put(&self, key: K, value: V) {
        let cell = Arc::new(OnceCell::new_with(Some(value)));
        if let Ok(mut slots) = self.slots.lock() {
            Self::prune(&mut slots, self.ttl);
            slots.insert(key, (Instant::now(), cell));
        }
    }

    /// Forgets `key` (after an action changed what it names).
    pub fn forget(&self, key: &K) {
        if let Ok(mut slots) = self.slots.lock() {
            slots.remove(key);
        }
    }

    /// The cell of `key`, replaced by an empty one when it is older than the window.
    fn slot(&self, key: K) -> Arc<OnceCell<V>> {
        let Ok(mut slots) = self.slots.lock() else {
            // A poisoned table only loses sharing, never correctness.
            return Arc::new(OnceCell::new());
        };
        if let Some((at, cell)) = slots.get(&key) {
            if at.elapsed() < self.ttl {
                return cell.clone();
            }
        }
        Self::prune(&mut slots, self.ttl);
        let cell = Arc::new(OnceCell::new());
        slots.insert(key, (Instant::now(), cell.clone()));
        cell
    }

    /// Drops stale entries, and the oldest ones when the table is full.
    fn prune(slots: &mut HashMap<K, Slot<V>>, ttl: Duration) {
        slots.retain(|_, (at, _)| at.elapsed() < ttl);
        if slots.len() >= MAX_ENTRIES {
            let mut ages: Vec<Instant> = slots.values().map(|(at, _)| *at).collect();
            ages.sort();
            let cut = ages[ages.len() - MAX_ENTRIES / 2];
            slots.retain(|_, (at, _)| *at >= cut);
        }
    }
}

/// The shared reads of one session (one region): one [`Freshness`] table per kind of answer,
/// created on first use by the module that owns that answer (so this module names none of them).
#[derive(Default)]
pub struct SessionReads {
    tables: Mutex<Tables>,
}

impl std::fmt::Debug for SessionReads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self
            .tables
            .lock()
            .map(|t| t.keys().map(|(name, _)| *name).collect())
            .unwrap_or_default();
        write!(f, "SessionReads({names:?})")
    }
}

impl SessionReads {
    /// The table `name` of `K -> V` answers fresh for `ttl` (made on first use).
    pub fn table<K, V>(&self, name: &'static str, ttl: Duration) -> Arc<Freshness<K, V>>
    where
        K: Eq + Hash + Clone + Send + Sync + 'static,
        V: Clone + Send + Sync + 'static,
    {
        let Ok(mut tables) = self.tables.lock() else {
            return Arc::new(Freshness::new(ttl));
        };
        let entry = tables
            .entry((name, TypeId::of::<Freshness<K, V>>()))
            .or_insert_with(|| Arc::new(Freshness::<K, V>::new(ttl)));
        // Keyed by the table's own type, so the downcast cannot fail.
        entry
            .clone()
            .downcast::<Freshness<K, V>>()
            .unwrap_or_else(|_| Arc::new(Freshness::new(ttl)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn concurrent_callers_share_one_fetch() {
        let table: Freshness<&str, u32> = Freshness::new(Duration::from_secs(60));
        let calls = AtomicUsize::new(0);
        let fetch = || async {
            calls.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(20)).await;
            Ok::<_, CoreError>(7)
        };
        let (a, b, c) = tokio::join!(
            table.get("k", fetch),
            table.get("k", fetch),
            table.get("k", fetch)
        );
        assert_eq!((a.unwrap(), b.unwrap(), c.unwrap()), (7, 7, 7));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        // Still fresh: no second fetch; another key fetches.
        assert_eq!(table.get("k", fetch).await.unwrap(), 7);
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(table.get("other", fetch).await.unwrap(), 7);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn stale_values_and_failures_are_fetched_again() {
        let table: Freshness<&str, u32> = Freshness::new(Duration::from_millis(30));
        let calls = AtomicUsize::new(0);
        let fetch = || async { Ok::<_, CoreError>(calls.fetch_add(1, Ordering::SeqCst) as u32) };
        assert_eq!(table.get("k", fetch).await.unwrap(), 0);
        tokio::time::sleep(Duration::from_millis(40)).await;
        assert_eq!(table.get("k", fetch).await.unwrap(), 1);
        let failing = || async { Err::<u32, _>(CoreError::Internal("boom".into())) };
        table.forget(&"k");
        assert!(table.get("k", failing).await.is_err());
        assert_eq!(table.get("k", fetch).await.unwrap(), 2);
        let reads = SessionReads::default();
        let a = reads.table::<&str, u32>("a", Duration::from_secs(60));
        a.put("x", 1);
        assert_eq!(
            reads
                .table::<&str, u32>("a", Duration::from_secs(60))
                .peek(&"x"),
            Some(1)
        );
        assert_eq!(
            reads
                .table::<&str, u32>("b", Duration::from_secs(60))
                .peek(&"x"),
            None
        );
        table.put("p", 42);
        assert_eq!(table.peek(&"p"), Some(42));
        assert_eq!(table.get("p", fetch).await.unwrap(), 42);
        assert_eq!(table.peek(&"missing"), None);
    }
}
