<#
    Helpers for the cmdlet tests (Context, NewEnvironment, GetEnvironment, Errors, Secrets).

    Every test file runs against the BUILT module (out/Baseten/Baseten.psd1) and the Baseten emulator that
    ships beside it (Baseten.Emulator.dll), in a fresh `dotnet pwsh -NoProfile` process. For a local run
    against another build, set $env:BASETEN_TEST_MODULE to that build's Baseten.psd1.

    The sign-in context of the module is process-wide, and so are the environment variables it falls back to:
    each file saves them in BeforeAll (Save-BasetenTestState), clears them, and puts them back in AfterAll
    (Restore-BasetenTestState), so files can run in one process in any order.
#>

Set-StrictMode -Version 3.0

$script:RepoRoot = [System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../..'))

function Get-BasetenTestModulePath {
    <# The Baseten.psd1 under test: $env:BASETEN_TEST_MODULE when set, else the build output. #>
    if (-not [string]::IsNullOrWhiteSpace($env:BASETEN_TEST_MODULE)) {
        return [System.IO.Path]::GetFullPath($env:BASETEN_TEST_MODULE)
    }
    Join-Path $script:RepoRoot 'out/Baseten/Baseten.psd1'
}

function Import-BasetenTestModule {
    <#
        Imports the built module into the global scope (a module imported from inside this module would
        otherwise be visible only here) and loads the emulator assembly that sits beside it, once.
    #>
    $psd1 = Get-BasetenTestModulePath
    if (-not (Test-Path -LiteralPath $psd1)) {
        throw "The built module is missing at '$psd1'. Build it first: dotnet pwsh -NoProfile -File build.ps1 -Task Build"
    }
    Import-Module -Name $psd1 -Global -ErrorAction Stop
    if (-not ('Baseten.Emulator.BasetenEmulator' -as [type])) {
        $emulatorDll = Join-Path (Split-Path -Parent $psd1) 'Baseten.Emulator.dll'
        if (-not (Test-Path -LiteralPath $emulatorDll)) { throw "The emulator is missing at '$emulatorDll'." }
        Add-Type -Path $emulatorDll
    }
}

function New-BasetenTestKey {
    <# A long key that appears nowhere else, so a test can search any text for it (or for parts of it). #>
    param([string]$Prefix = 'bttest')
    '{0}_{1}{2}' -f $Prefix, [guid]::NewGuid().ToString('N'), [guid]::NewGuid().ToString('N')
}

function Start-BasetenTestEmulator {
    <# Starts an emulator on a free loopback port with a fresh, unique key (and optionally a read-only key). #>
    param([switch]$WithReadOnlyKey)
    $options = [Baseten.Emulator.EmulatorOptions]::new()
    $options.ApiKey = New-BasetenTestKey
    if ($WithReadOnlyKey) { $options.ReadOnlyApiKey = New-BasetenTestKey -Prefix 'btreadonly' }
    [Baseten.Emulator.BasetenEmulator]::Start($options)
}

function ConvertTo-TestSecureString {
    param([Parameter(Mandatory)][string]$Text)
    ConvertTo-SecureString -String $Text -AsPlainText -Force
}

function Connect-BasetenTestEmulator {
    <# Connect-Baseten to the emulator (its full-access key unless another is given). Returns nothing. #>
    param(
        [Parameter(Mandatory, Position = 0)]$Emulator,
        [string]$ApiKey,
        [int]$TimeoutSec = 100,
        # The module's default (3) unless a test says otherwise; error-mapping tests use 0 to see one answer.
        [int]$MaxRetry = 3
    )
    if (-not $ApiKey) { $ApiKey = $Emulator.ApiKey }
    $null = Connect-Baseten -ApiKey (ConvertTo-TestSecureString $ApiKey) -BaseUri $Emulator.BaseUri -TimeoutSec $TimeoutSec -MaxRetry $MaxRetry -ErrorAction Stop
}

function Save-BasetenTestState {
    [pscustomobject]@{
        ApiKey = $env:BASETEN_API_KEY
        ApiUrl = $env:BASETEN_API_URL
    }
}

function Clear-BasetenTestState {
    <# Signed out everywhere: no session context and no environment fallback. #>
    Disconnect-Baseten -Confirm:$false
    Remove-Item -Path Env:BASETEN_API_KEY, Env:BASETEN_API_URL -ErrorAction SilentlyContinue
}

function Restore-BasetenTestState {
    param($State)
    Disconnect-Baseten -Confirm:$false
    if ($null -eq $State) { return }
    if ($null -ne $State.ApiKey) { $env:BASETEN_API_KEY = $State.ApiKey } else { Remove-Item Env:BASETEN_API_KEY -ErrorAction SilentlyContinue }
    if ($null -ne $State.ApiUrl) { $env:BASETEN_API_URL = $State.ApiUrl } else { Remove-Item Env:BASETEN_API_URL -ErrorAction SilentlyContinue }
}

function Get-EmulatorRequest {
    <#
        The emulator's request log. The emulator records a request just AFTER it has written the answer, so a
        cmdlet can return before its last request is in the log: wait until at least -Count entries are there
        (up to -TimeoutMs), then a little longer so an unexpected extra request shows up too.
        Writes the entries one by one: call it as @(Get-EmulatorRequest $emu ...).
    #>
    param(
        [Parameter(Mandatory, Position = 0)]$Emulator,
        [int]$Count = 0,
        [int]$TimeoutMs = 5000,
        [int]$SettleMs = 100
    )
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    while ($Emulator.Requests.Count -lt $Count -and $clock.ElapsedMilliseconds -lt $TimeoutMs) {
        Start-Sleep -Milliseconds 10
    }
    if ($SettleMs -gt 0) { Start-Sleep -Milliseconds $SettleMs }
    # Enumerated: wrap the call in @() to always get an array.
    $Emulator.Requests
}

function Reset-EmulatorLog {
    <#
        Empties the request log and the fault queue. Waits a moment first: the last request of the previous test
        may be answered but not yet logged (see Get-EmulatorRequest), and must not land in the next test's log.
    #>
    param([Parameter(Mandatory, Position = 0)]$Emulator, [int]$SettleMs = 100)
    Start-Sleep -Milliseconds $SettleMs
    $Emulator.ClearFaults()
    $Emulator.ClearRequests()
}

function Wait-EmulatorIdle {
    <#
        Waits until the emulator has logged -Count requests (for example a request the client gave up on, which
        the emulator logs only when its injected delay ends), so it cannot land in a later test's log.
    #>
    param([Parameter(Mandatory, Position = 0)]$Emulator, [int]$Count = 1, [int]$TimeoutMs = 10000)
    $null = Get-EmulatorRequest $Emulator -Count $Count -TimeoutMs $TimeoutMs -SettleMs 0
}

function ConvertTo-CanonicalJson {
    <#
        JSON with every object's keys sorted (ordinal), compressed: two values are deep-equal exactly when
        their canonical JSON is equal. Keeps null members, so "present and null" differs from "absent".
    #>
    param([Parameter(Mandatory, Position = 0)][AllowNull()]$InputObject)

    function Sort-Node($node) {
        if ($node -is [System.Collections.IDictionary]) {
            $sorted = [System.Collections.Specialized.OrderedDictionary]::new([System.StringComparer]::Ordinal)
            $keys = [string[]]@($node.Keys | ForEach-Object { [string]$_ })
            [System.Array]::Sort($keys, [System.StringComparer]::Ordinal)
            foreach ($key in $keys) { $sorted[$key] = Sort-Node $node[$key] }
            return $sorted
        }
        if ($node -is [System.Collections.IList]) {
            $items = [System.Collections.Generic.List[object]]::new()
            foreach ($item in $node) { $items.Add((Sort-Node $item)) }
            return , $items.ToArray()
        }
        return $node
    }

    ConvertTo-Json -InputObject (Sort-Node $InputObject) -Depth 20 -Compress
}

function ConvertFrom-LoggedBody {
    <# A logged request body as a hashtable (nested hashtables), for deep comparison. #>
    param([Parameter(Mandatory, Position = 0)][string]$Body)
    ConvertFrom-Json -InputObject $Body -AsHashtable -Depth 20
}

function Get-ClosedLoopbackPort {
    <# A loopback port nothing listens on (bound, read, released). #>
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function Get-HttpVerboseLine {
    <# The per-request lines ("HTTP GET /v1/... -> 200 OK (12 ms)") among captured stream records. #>
    param([Parameter(ValueFromPipeline)]$Record)
    process {
        if ($Record -is [System.Management.Automation.VerboseRecord] -and $Record.Message -like 'HTTP *') { $Record.Message }
    }
}

Export-ModuleMember -Function *

# ---------------------------------------------------------------------------------------------------------------
# Helpers for Reliability.Tests.ps1, Parallel.Tests.ps1 and Cancellation.Tests.ps1 (retries, throttling, faults,
# many runspaces, Ctrl+C). Exported by the Export-ModuleMember at the end of this block (the one above runs before
# these functions exist, so it does not export them).
# ---------------------------------------------------------------------------------------------------------------

function Connect-BasetenRetryTestEmulator {
    <#
        Connect-Baseten to the emulator with every retry setting spelled out. The backoff starts at 0.01 s (the
        least Connect-Baseten takes), so retried faults cost milliseconds unless the server asks for a wait.
        Returns nothing.
    #>
    param(
        [Parameter(Mandatory, Position = 0)]$Emulator,
        [int]$MaxRetry = 3,
        [int]$MaxRetryTimeSec = 60,
        [double]$RetryDelaySec = 0.01,
        [int]$TimeoutSec = 100
    )
    $null = Connect-Baseten -ApiKey (ConvertTo-TestSecureString $Emulator.ApiKey) -BaseUri $Emulator.BaseUri `
        -MaxRetry $MaxRetry -MaxRetryTimeSec $MaxRetryTimeSec -RetryDelaySec $RetryDelaySec -TimeoutSec $TimeoutSec -ErrorAction Stop
}

function Get-VerboseMessage {
    <# The messages of the VerboseRecords among captured stream records (4>&1), in order. #>
    param([Parameter(ValueFromPipeline)]$Record)
    process {
        if ($Record -is [System.Management.Automation.VerboseRecord]) { $Record.Message }
    }
}

function Get-RetryVerboseLine {
    <#
        The retry machinery's verbose lines among captured stream records or messages: "Retry n of N for ...",
        "Giving up on ...", "Not retrying ...", "The answer to ... was lost ...", "It did: ..." / "It did not: ...",
        "Reading back failed too ...". Not the per-request "HTTP ..." lines.
    #>
    param([Parameter(ValueFromPipeline)]$Record)
    process {
        $message = if ($Record -is [System.Management.Automation.VerboseRecord]) { $Record.Message } elseif ($Record -is [string]) { $Record } else { $null }
        if ($message -and $message -match '^(Retry \d+ of \d+ for |Giving up on |Not retrying |The answer to |It did(:| not:)|Reading back failed)') { $message }
    }
}

function ConvertTo-EmulatorRequestSummary {
    <#
        One short line per logged request, for comparing a whole log at once:
        "POST /v1/models/abc/environments 200 LoseResponse lost", "GET /v1/models/abc/environments/x 404".
        -Replace @{ '/v1/models/abc/environments' = '{c}' } shortens paths that start with a key (the longest
        matching key wins): "POST {c} 200", "GET {c}/x 404".
    #>
    param(
        [Parameter(ValueFromPipeline)]$Request,
        [hashtable]$Replace = @{}
    )
    begin { $keys = @($Replace.Keys | Sort-Object -Property Length -Descending) }
    process {
        if ($null -eq $Request) { return }
        $path = $Request.Path
        foreach ($key in $keys) {
            if ($path.StartsWith($key, [System.StringComparison]::Ordinal)) { $path = $Replace[$key] + $path.Substring($key.Length); break }
        }
        $line = '{0} {1} {2}' -f $Request.Method, $path, $Request.StatusCode
        if ($Request.Fault) { $line += ' ' + $Request.Fault }
        if ($Request.ResponseLost) { $line += ' lost' }
        $line
    }
}

function Wait-BasetenTestCondition {
    <# Polls -Condition every -IntervalMs until it is true or -TimeoutMs passes; returns whether it became true. #>
    param(
        [Parameter(Mandatory, Position = 0)][scriptblock]$Condition,
        [int]$TimeoutMs = 5000,
        [int]$IntervalMs = 10
    )
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    while ($true) {
        if (& $Condition) { return $true }
        if ($clock.ElapsedMilliseconds -ge $TimeoutMs) { return $false }
        Start-Sleep -Milliseconds $IntervalMs
    }
}

function Get-TcpConnectionToPort {
    <#
        The TCP sockets of this machine's network namespace whose REMOTE port is -Port, from Linux's /proc/net/tcp
        and /proc/net/tcp6 (IPv4-mapped client sockets show in tcp6): for a loopback server on a fresh port, the
        client side of every connection to it. -BothEnds adds the server's side (local port -Port), listener
        included. Each as { Local; Remote; State } with the state by name (ESTABLISHED, TIME_WAIT, ...). Returns
        nothing where /proc/net/tcp does not exist (check $IsLinux first).
    #>
    param([Parameter(Mandatory)][int]$Port, [switch]$BothEnds)
    $states = @{
        '01' = 'ESTABLISHED'; '02' = 'SYN_SENT'; '03' = 'SYN_RECV'; '04' = 'FIN_WAIT1'; '05' = 'FIN_WAIT2'; '06' = 'TIME_WAIT'
        '07' = 'CLOSE'; '08' = 'CLOSE_WAIT'; '09' = 'LAST_ACK'; '0A' = 'LISTEN'; '0B' = 'CLOSING'
    }
    $suffix = ':{0:X4}' -f $Port
    foreach ($file in '/proc/net/tcp', '/proc/net/tcp6') {
        if (-not (Test-Path -LiteralPath $file)) { continue }
        foreach ($line in (Get-Content -LiteralPath $file | Select-Object -Skip 1)) {
            $fields = $line.Trim() -split '\s+'
            if ($fields.Count -lt 4) { continue }
            $isClient = $fields[2].EndsWith($suffix, [System.StringComparison]::OrdinalIgnoreCase)
            $isServer = $BothEnds -and $fields[1].EndsWith($suffix, [System.StringComparison]::OrdinalIgnoreCase)
            if (-not ($isClient -or $isServer)) { continue }
            $state = $states[$fields[3].ToUpperInvariant()]
            [pscustomobject]@{ Local = $fields[1]; Remote = $fields[2]; State = $(if ($state) { $state } else { $fields[3] }) }
        }
    }
}

function Assert-BasetenErrorRecordIsClear {
    <#
        Throws unless every ErrorRecord given is a clear error: an exception that is not (and does not wrap) a
        NullReferenceException, a non-empty exception message, non-empty ToString(), and non-empty ErrorDetails
        when it has any. -ErrorId, when given, must match each FullyQualifiedErrorId exactly.
    #>
    param(
        [Parameter(Mandatory, Position = 0)][AllowEmptyCollection()][object[]]$ErrorRecord,
        [string]$ErrorId
    )
    if ($ErrorRecord.Count -eq 0) { throw 'Expected at least one ErrorRecord, got none.' }
    foreach ($record in $ErrorRecord) {
        if ($record -isnot [System.Management.Automation.ErrorRecord]) { throw "Expected an ErrorRecord, got [$($record.GetType().FullName)]." }
        for ($inner = $record.Exception; $null -ne $inner; $inner = $inner.InnerException) {
            if ($inner -is [System.NullReferenceException]) { throw "A NullReferenceException surfaced: $($record.Exception)" }
        }
        if ([string]::IsNullOrWhiteSpace($record.Exception.Message)) { throw "An ErrorRecord ($($record.FullyQualifiedErrorId)) has an empty exception message." }
        if ([string]::IsNullOrWhiteSpace($record.ToString())) { throw "An ErrorRecord ($($record.FullyQualifiedErrorId)) shows as empty text." }
        if ($null -ne $record.ErrorDetails -and [string]::IsNullOrWhiteSpace($record.ErrorDetails.Message)) {
            throw "An ErrorRecord ($($record.FullyQualifiedErrorId)) has ErrorDetails with an empty message."
        }
        if ($ErrorId -and $record.FullyQualifiedErrorId -cne $ErrorId) {
            throw "Expected ErrorId '$ErrorId', got '$($record.FullyQualifiedErrorId)': $($record.Exception.Message)"
        }
    }
}

Export-ModuleMember -Function Connect-BasetenRetryTestEmulator, Get-VerboseMessage, Get-RetryVerboseLine, ConvertTo-EmulatorRequestSummary,
    Wait-BasetenTestCondition, Get-TcpConnectionToPort, Assert-BasetenErrorRecordIsClear

# ---- Inspecting everything a cmdlet produced (for "the secret appears nowhere" tests) -----------------------------

function Add-InspectedText([System.Collections.Generic.List[string]]$Into, [scriptblock]$Render) {
    try {
        $text = & $Render
        if ($null -ne $text) { $Into.Add(($text | Out-String)) }
    }
    catch {
        $Into.Add("<could not render: $($_.Exception.Message)>")
    }
}

# Every way a user could look at what a cmdlet produced, as one text.
function ConvertTo-InspectedText([object[]]$Items) {
    $parts = [System.Collections.Generic.List[string]]::new()
    # Export-Clixml writes to a real file, as a user would.
    $clixml = Join-Path ([System.IO.Path]::GetTempPath()) ("baseten-inspect-{0}.xml" -f [guid]::NewGuid().ToString('N'))
    try {
    foreach ($item in $Items) {
        if ($null -eq $item) { continue }
        if ($item -is [System.Management.Automation.ErrorRecord]) {
            Add-InspectedText $parts { $item | Out-String }
            Add-InspectedText $parts { $item | Format-List * -Force | Out-String }
            Add-InspectedText $parts { $item.ToString() }
            Add-InspectedText $parts { $item.ErrorDetails.Message; $item.ErrorDetails.RecommendedAction }
            Add-InspectedText $parts { $item.CategoryInfo | Format-List * | Out-String }
            Add-InspectedText $parts { $item.TargetObject | Out-String }
            Add-InspectedText $parts { ConvertTo-Json -InputObject $item.TargetObject -Depth 3 -WarningAction SilentlyContinue }
            Add-InspectedText $parts { $item.InvocationInfo | Format-List * | Out-String }
            $exception = $item.Exception
            while ($null -ne $exception) {
                $current = $exception
                Add-InspectedText $parts { $current.ToString() }
                Add-InspectedText $parts { $current | Format-List * -Force | Out-String }
                Add-InspectedText $parts { ConvertTo-Json -InputObject $current -Depth 2 -WarningAction SilentlyContinue }
                $exception = $exception.InnerException
            }
        }
        elseif ($item -is [System.Management.Automation.InformationalRecord]) {
            # Verbose, Debug and Warning records.
            Add-InspectedText $parts { $item.Message }
        }
        elseif ($item -is [System.Management.Automation.InformationRecord]) {
            Add-InspectedText $parts { $item.MessageData | Out-String }
        }
        else {
            Add-InspectedText $parts { $item.ToString() }
            Add-InspectedText $parts { $item | Format-List * -Force | Out-String }
            Add-InspectedText $parts { $item | Format-Table -AutoSize | Out-String }
            Add-InspectedText $parts { $item | Format-Custom -Depth 3 | Out-String }
            Add-InspectedText $parts { ConvertTo-Json -InputObject $item -Depth 5 -WarningAction SilentlyContinue }
            Add-InspectedText $parts {
                Export-Clixml -LiteralPath $clixml -InputObject $item -Depth 5
                Get-Content -LiteralPath $clixml -Raw
            }
        }
    }
    }
    finally {
        Remove-Item -LiteralPath $clixml -ErrorAction SilentlyContinue
    }
    $parts -join "`n"
}

Export-ModuleMember -Function ConvertTo-InspectedText
