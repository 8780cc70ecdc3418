import EventLoop
import Logging
import WorkerClient

public struct HealthCheckConfiguration: Sendable {
    public var isEnabled = true
    public var intervalMilliseconds: UInt64 = 10_000
    public var timeoutMilliseconds = 5_000
    /// Consecutive failures that take a worker out of rotation.
    public var failureThreshold = 3
    /// Consecutive successes that bring it back.
    public var successThreshold = 2
    /// Path probed on each worker.
    public var path = "/health"

    public init() {}
}

/// Probes every worker periodically; also takes passive reports from the
/// proxy (a worker refusing connections counts as a failed probe).
final class HealthChecker {
    private let pool: WorkerPool
    private let client: WorkerClient
    private let configuration: HealthCheckConfiguration
    private let logger: Logger
    private var timer: LoopTimer?
    private var probing: Set<ObjectIdentifier> = []

    init(pool: WorkerPool, client: WorkerClient, configuration: HealthCheckConfiguration, logger: Logger) {
        self.pool = pool
        self.client = client
        self.configuration = configuration
        self.logger = logger
    }

    func start(loop: EventLoop) {
        guard configuration.isEnabled else { return }
        timer = loop.repeating(everyMilliseconds: configuration.intervalMilliseconds) { [unowned self] in probeAll() }
    }

    func stop() {
        timer?.cancel()
        timer = nil
    }

    private func probeAll() {
        for worker in pool.workers where !probing.contains(ObjectIdentifier(worker)) {
            probing.insert(ObjectIdentifier(worker))
            let request = UpstreamRequest(
                method: "GET", url: worker.url + configuration.path,
                timeoutMilliseconds: configuration.timeoutMilliseconds)
            client.fetch(request) { [weak self, worker] result in
                guard let self else { return }
                probing.remove(ObjectIdentifier(worker))
                guard !worker.isRemoved else { return }
                switch result {
                case .success(let response) where (200..<300).contains(response.status):
                    worker.healthCheckSucceeded()
                    recordSuccess(worker)
                // The router out of descriptors or ports learns nothing of the worker.
                case .failure(.localResources): break
                default:
                    worker.healthCheckFailed()
                    recordFailure(worker)
                }
            }
        }
    }

    func recordSuccess(_ worker: Worker) {
        worker.consecutiveFailures = 0
        worker.consecutiveSuccesses += 1
        if !worker.isHealthy, worker.consecutiveSuccesses >= configuration.successThreshold {
            worker.isHealthy = true
            logger.info("worker healthy again", metadata: ["worker": "\(worker.url)"])
        }
    }

    func recordFailure(_ worker: Worker) {
        worker.consecutiveSuccesses = 0
        worker.consecutiveFailures += 1
        // Without probes nothing would bring a worker back: passive failures
        // only take workers out when health checking is on.
        if configuration.isEnabled, worker.isHealthy, worker.consecutiveFailures >= configuration.failureThreshold {
            worker.isHealthy = false
            logger.warning("worker unhealthy, taken out of rotation", metadata: ["worker": "\(worker.url)"])
        }
    }
}
