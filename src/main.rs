use clap::Parser;

fn main() -> std::process::ExitCode {
    newsdesk::cli::run(newsdesk::cli::Cli::parse())
}
