//! Describing many resources in batches, a bounded number at once.

use std::future::Future;

use futures::stream::{self, StreamExt, TryStreamExt};

use crate::error::CoreError;

/// How many describe calls of one listing run at the same time: one ListServices page's worth
/// (100 services = 10 DescribeServices), so describes keep pace with the pages; well inside ECS's
/// read burst, and bounded so a 1,000-service cluster never floods the connection pool.
pub(crate) const DESCRIBE_CONCURRENCY: usize = 10;

/// Runs `describe` over `items` in batches of `size`, at most [`DESCRIBE_CONCURRENCY`] at once,
/// and concatenates the results (order of batches is not kept).
pub(crate) async fn describe_in_batches<T, R, F, Fut>(
    items: Vec<T>,
    size: usize,
    describe: F,
) -> Result<Vec<R>, CoreError>
where
    T: Clone,
    F: Fn(Vec<T>) -> Fut,
    Fut: Future<Output = Result<Vec<R>, CoreError>>,
{
    let batches: Vec<Vec<T>> = items.chunks(size.max(1)).map(<[T]>::to_vec).collect();
    let results: Vec<Vec<R>> = stream::iter(batches.into_iter().map(describe))
        .buffer_unordered(DESCRIBE_CONCURRENCY)
        .try_collect()
        .await?;
    Ok(results.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn batches_respect_size_and_keep_every_item() {
        let items: Vec<u32> = (0..25).collect();
        let sizes = std::sync::Mutex::new(Vec::new());
        let out = describe_in_batches(items, 10, |batch| {
            sizes.lock().unwrap().push(batch.len());
            async move { Ok::<_, CoreError>(batch) }
        })
        .await
        .unwrap();
        let mut out = out;
        out.sort();
        assert_eq!(out, (0..25).collect::<Vec<_>>());
        let mut sizes = sizes.into_inner().unwrap();
        sizes.sort();
        assert_eq!(sizes, vec![5, 10, 10]);
    }
}
