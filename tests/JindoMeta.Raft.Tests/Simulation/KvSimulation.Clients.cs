namespace JindoMeta.Raft.Tests.Simulation;

internal sealed partial class KvSimulation
{
    private void RunClients()
    {
        for (var client = 0; client < _clientRequests.Length; client++)
        {
            var request = _clientRequests[client];
            if (request is not null)
            {
                if (_now - request.Invoked > ClientTimeout)
                {
                    // Gave up waiting. A write's outcome is unknown (it may still commit); a read had no effect.
                    if (request.IsPut)
                    {
                        _history.Add(new KvOperation(client, request.Key, true, request.Value, request.Invoked, long.MaxValue));
                    }

                    request.Completed = true;
                    _clientRequests[client] = null;
                    _clientLeaderGuess[client] = 0;
                }

                continue;
            }

            if (!_chaos || _random.NextDouble() > 0.3)
            {
                continue;
            }

            var isPut = _random.Next(2) == 0;
            var operationId = _nextOperationId++;
            var next = new ClientRequest(client, operationId, Keys[_random.Next(Keys.Length)], isPut, isPut ? $"v{operationId}" : null, _now);
            var target = PickNode(client);
            if (target is null)
            {
                continue;
            }

            _clientRequests[client] = next;
            if (!Submit(next, target))
            {
                // Refused outright (not leader, no leader): it had no effect and is left out of the history.
                _clientRequests[client] = null;
            }
        }
    }

    private SimulatedNode? PickNode(int client)
    {
        var guess = _clientLeaderGuess[client];
        if (guess != 0 && _nodes[guess - 1].IsUp)
        {
            return _nodes[guess - 1];
        }

        var up = _nodes.Where(n => n.IsUp).ToArray();
        return up.Length == 0 ? null : up[_random.Next(up.Length)];
    }

    /// <summary>Hands a client request to a node; false if the node refused it.</summary>
    private bool Submit(ClientRequest request, SimulatedNode node)
    {
        request.NodeId = node.Id;
        if (request.IsPut)
        {
            var result = node.Raft.Propose(SimulatedNode.EncodeWrite(request.OperationId, request.Key, request.Value!));
            if (result.Status != ProposeStatus.Accepted)
            {
                _clientLeaderGuess[request.Client] = result.LeaderHint;
                return false;
            }

            node.PendingWrites[request.OperationId] = request;
            return true;
        }

        if (_options.UnsafeLocalReads)
        {
            Complete(request, node.State.GetValueOrDefault(request.Key));
            return true;
        }

        var readId = _nextReadId++;
        if (node.Raft.ReadIndex(readId) != RequestStatus.Accepted)
        {
            _clientLeaderGuess[request.Client] = 0;
            return false;
        }

        node.PendingReads[readId] = request;
        return true;
    }

    private void Complete(ClientRequest request, string? value)
    {
        if (request.Completed)
        {
            return;
        }

        request.Completed = true;
        _history.Add(new KvOperation(request.Client, request.Key, request.IsPut, value, request.Invoked, _now));
        if (ReferenceEquals(_clientRequests[request.Client], request))
        {
            _clientRequests[request.Client] = null;
            _clientLeaderGuess[request.Client] = request.NodeId;
        }
    }
}
