using System.Threading;
using System.Threading.Tasks;

namespace Baseten.Core.Http
{
    /// <summary>
    /// Asks the API whether a change whose answer was lost took effect: the created object when it did, null
    /// when it did not. Lets a create be retried without ever creating twice.
    /// </summary>
    public delegate Task<T> ReadBack<T>(CancellationToken cancellationToken) where T : class;
}
