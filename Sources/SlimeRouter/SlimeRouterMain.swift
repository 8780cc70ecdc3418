import ArgumentParser

/// `slime-router [serve] FLAGS` runs the router (serving is the default, so
/// the flat flags keep working); `slime-router chat-template` renders chats.
@main
struct SlimeRouterMain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slime-router",
        abstract: "Front proxy for SGLang workers that keeps the exact tokens of RL rollouts.",
        subcommands: [SlimeRouterCommand.self, ChatTemplateCommand.self],
        defaultSubcommand: SlimeRouterCommand.self)
}
