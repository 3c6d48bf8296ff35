//! `generator`: the code generator's command line (the same commands as `cargo xtask`).

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = std::env::current_dir().unwrap_or_default();
    generator::cli::run(&args, &root)
}
