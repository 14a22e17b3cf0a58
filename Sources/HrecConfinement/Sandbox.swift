/// A sandbox ready to run one command: the bubblewrap arguments, the plan, and what the journal
/// header says about it.
public struct Sandbox: Sendable {
    public var arguments: BubblewrapArguments
    public var plan: ConfinementPlan

    public init(arguments: BubblewrapArguments, plan: ConfinementPlan) {
        self.arguments = arguments
        self.plan = plan
    }

    /// The argv that runs `command` inside (the report pipe must be the command's descriptor 3).
    public func argv(for command: [String]) -> [String] {
        arguments.argv(plan: plan, command: command)
    }
}
