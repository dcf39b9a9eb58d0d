using Crm.Hub.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace Crm.Hub.Supervision;

/// <summary>The live board: supervisors and admins only. On connect the whole board, then coalesced deltas.</summary>
[Authorize(Policy = Policies.SupervisorOrAdmin)]
internal sealed class SupervisorHub(SupervisorBoard board) : Hub<ISupervisorClient>
{
    public override async Task OnConnectedAsync()
    {
        // Join first, then read: a change after the snapshot is in the next delta; deltas older than it are ignored by version.
        await Groups.AddToGroupAsync(Context.ConnectionId, SupervisorBoard.Group);
        await Clients.Caller.BoardSnapshot(await board.SnapshotAsync(Context.ConnectionAborted));
        await base.OnConnectedAsync();
    }
}
