//! One module per area of the API; this one sends each command to its module.

mod access;
mod account;
mod ai_search;
mod api_tokens;
mod indexing;
mod setup;
mod user;

use crate::args::{AccessCommand, AccountCommand, AiSearchCommand, Command, UserCommand};
use crate::config::Context;
use crate::failure::Failure;

pub async fn run(context: &mut Context<'_>, command: Command) -> Result<(), Failure> {
    match command {
        Command::AiSearch(AiSearchCommand::Setup(args)) => setup::run(context, args).await,
        Command::AiSearch(AiSearchCommand::Tokens(command)) => {
            ai_search::tokens(context, command).await
        }
        Command::AiSearch(AiSearchCommand::Instances(command)) => {
            ai_search::instances(context, command).await
        }
        Command::AiSearch(AiSearchCommand::Namespaces(command)) => {
            indexing::namespaces(context, command).await
        }
        Command::AiSearch(AiSearchCommand::Search(args)) => indexing::search(context, args).await,
        Command::AiSearch(AiSearchCommand::Jobs(command)) => indexing::jobs(context, command).await,
        Command::AiSearch(AiSearchCommand::Stats { id, namespace }) => {
            indexing::stats(context, id, namespace.namespace).await
        }
        Command::Access(AccessCommand::Tokens(command)) => access::tokens(context, command).await,
        Command::User(UserCommand::Tokens(command)) => user::tokens(context, command).await,
        Command::User(UserCommand::PermissionGroups { name }) => {
            user::permission_groups(context, name).await
        }
        Command::Account(AccountCommand::Tokens(command)) => {
            account::tokens(context, command).await
        }
        Command::Account(AccountCommand::PermissionGroups { name }) => {
            account::permission_groups(context, name).await
        }
    }
}
