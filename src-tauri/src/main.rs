// Hides the extra console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

//! ECS Desk binary: everything lives in the library.

fn main() {
    ecs_desk_lib::run();
}
