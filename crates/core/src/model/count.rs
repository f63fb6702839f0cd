//! Counts of tasks in the words the plans, watches and health sentences use.

/// "1 task", "3 tasks".
pub fn tasks(n: impl std::fmt::Display) -> String {
    let n = n.to_string();
    if n == "1" {
        "1 task".to_string()
    } else {
        format!("{n} tasks")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_task_and_many() {
        assert_eq!(tasks(1_i32), "1 task");
        assert_eq!(tasks(0_usize), "0 tasks");
        assert_eq!(tasks(3_i32), "3 tasks");
    }
}
