using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Text.Json.Nodes;

namespace Baseten.Emulator.Logging
{
    /// <summary>
    /// Appends each recorded request as one JSON line to <c>&lt;dir&gt;/requests-&lt;port&gt;-&lt;pid&gt;.jsonl</c>,
    /// so another process (a contract check after the test run) can read what was sent. The line holds
    /// what <see cref="RecordedRequest"/> holds except the response body, and so never the key (Fault and
    /// ResponseLost only on requests a fault was injected into). Writing is
    /// best effort: a full disk or a missing folder must not break the request being answered.
    /// </summary>
    internal sealed class RequestLogFile
    {
        private static readonly Encoding Utf8 = new UTF8Encoding(false);

        // One lock for the whole process: two emulators never share a file at once (the port differs),
        // but one started later on a freed port appends to the same file.
        private static readonly object Sync = new object();

        private RequestLogFile(string path)
        {
            Path = path;
        }

        /// <summary>The full path of the file (it exists once the first request is written).</summary>
        public string Path { get; }

        /// <summary>A writer for <paramref name="directory"/>, or null when it is null or empty.</summary>
        public static RequestLogFile For(string directory, int port)
        {
            if (string.IsNullOrWhiteSpace(directory))
            {
                return null;
            }

            int pid;
            using (var self = Process.GetCurrentProcess())
            {
                pid = self.Id;
            }

            try
            {
                var full = System.IO.Path.GetFullPath(directory.Trim());
                return new RequestLogFile(System.IO.Path.Combine(full, "requests-" + port + "-" + pid + ".jsonl"));
            }
            catch (Exception)
            {
                // A path the OS cannot take (bad characters, too long): the emulator runs without the file.
                return null;
            }
        }

        public void Append(RecordedRequest entry)
        {
            try
            {
                var json = new JsonObject
                {
                    ["Method"] = entry.Method,
                    ["Path"] = entry.Path,
                    ["Query"] = entry.Query,
                    ["Body"] = entry.Body,
                    ["ContentType"] = entry.ContentType,
                    ["UserAgent"] = entry.UserAgent,
                    ["AuthorizationScheme"] = entry.AuthorizationScheme,
                    ["StatusCode"] = entry.StatusCode,
                    ["Timestamp"] = entry.Timestamp.ToString("o"),
                };

                // Only on faulted requests, so the lines of ordinary traffic keep their shape.
                if (entry.Fault != null)
                {
                    json["Fault"] = entry.Fault;
                    json["ResponseLost"] = entry.ResponseLost;
                }

                var line = json.ToJsonString() + "\n";

                lock (Sync)
                {
                    Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path));
                    File.AppendAllText(Path, line, Utf8);
                }
            }
            catch (Exception)
            {
                // Best effort: the answer matters more than the file.
            }
        }
    }
}
