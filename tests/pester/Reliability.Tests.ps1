#Requires -Version 7.0
# "Every call survives the network", measured: each kind of fault the emulator can script, by name, against
# New-BasetenEnvironment (a POST, which must never create twice) and Get-BasetenEnvironment (a GET). For every
# fault: what the cmdlet returned, the exact request log (nothing duplicated, nothing lost), and the verbose
# retry lines (the status, the wait, and "as the API asked" when the server asked). Then what is never retried,
# the caps (attempts, total time, timeouts), and bad answers that must be clear errors, never a crash or a hang.
# Parallel.Tests.ps1 covers many runspaces; Cancellation.Tests.ps1 covers Ctrl+C.
#
# Waits are kept tiny: the session's backoff starts at 0.01 s (Connect-Baseten -RetryDelaySec 0.01) and the
# server asks for 1 s at most: the waits add up to about ten seconds.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'CmdletTestSupport.psm1') -Force
    Import-BasetenTestModule

    $savedState = Save-BasetenTestState
    Clear-BasetenTestState
    $emu = Start-BasetenTestEmulator
    Connect-BasetenRetryTestEmulator $emu

    $newCmdlet = 'Baseten.PowerShell.Cmdlets.NewBasetenEnvironmentCommand'
    $getCmdlet = 'Baseten.PowerShell.Cmdlets.GetBasetenEnvironmentCommand'
    $model = $emu.AddModel('reliability-model')
    $collection = "/v1/models/$($model.Id)/environments"
    $rateLimitBody = '{"error": "Rate limit exceeded. Please try again later."}'

    $script:nameCounter = 0
    function New-UniqueName([string]$Prefix = 'rel') { $script:nameCounter++; '{0}-{1}' -f $Prefix, $script:nameCounter }

    # Injects a fault; Method and Path default to the model's environment collection.
    function Add-Fault([hashtable]$Spec, [string]$Method = 'POST', [string]$Path = $collection) {
        $full = @{ Method = $Method; Path = $Path } + $Spec
        $emu.InjectFault([Baseten.Emulator.FaultSpec]$full)
    }

    # Runs one cmdlet with -Verbose captured and its errors collected, and times it.
    function Invoke-Observed([string]$Command, [hashtable]$Parameters) {
        $errs = $null
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $records = @(& $Command @Parameters -Verbose -ErrorVariable errs -ErrorAction SilentlyContinue 4>&1)
        $clock.Stop()
        [pscustomobject]@{
            Output    = @($records | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
            Verbose   = @($records | Get-VerboseMessage)
            Retry     = @($records | Get-RetryVerboseLine)
            Errors    = @($errs)
            ElapsedMs = $clock.ElapsedMilliseconds
        }
    }

    # The request log as summary lines ("POST {c} 200 LoseResponse lost", "GET {c}/name 404") once -Count are in.
    # The emulator logs each request before it answers (or drops) it, so once the cmdlet has returned, everything
    # it sent is in the log: a short settle is only a margin.
    function Get-LogSummary([int]$Count) {
        @(Get-EmulatorRequest $emu -Count $Count -SettleMs 20 | ConvertTo-EmulatorRequestSummary -Replace @{ $collection = '{c}' })
    }

    # Fails with the error messages in the reason when there is any error.
    function Assert-NoError($Result) {
        $Result.Errors.Count | Should -Be 0 -Because ('no error was expected, got: ' + (($Result.Errors | ForEach-Object { $_.FullyQualifiedErrorId + ': ' + $_.Exception.Message }) -join '; '))
    }

    # How many of the lines match the regex (case-sensitive).
    function Measure-Match([string[]]$Lines, [string]$Pattern) { @($Lines | Where-Object { $_ -cmatch $Pattern }).Count }

    # How many environments of the model have this name, by the list (read after the log was checked).
    function Get-EnvironmentCount([string]$Name) {
        @(Get-BasetenEnvironment -ModelId $model.Id -ErrorAction Stop | Where-Object Name -CEQ $Name).Count
    }

    # The retry lines a retried call must write, in order, as regexes: for each retry, the read-back pair (when
    # the failure left a create in doubt) and "Retry i of N for METHOD /path after <what>: waiting X.X s[ as the
    # API asked]." (the wait and the "asked" part are captured and checked by Assert-RetryLine).
    function Get-ExpectedRetryLine([string]$Method, [string]$After, [int]$Retries, [int]$Of = 3, [switch]$ReadBack) {
        for ($i = 1; $i -le $Retries; $i++) {
            if ($ReadBack) {
                '^' + [regex]::Escape("The answer to $Method $collection was lost ($After); reading back whether it took effect.") + '$'
                '^It did not: sending it again\.$'
            }
            '^Retry {0} of {1} for {2} {3} after {4}: waiting (?<wait>\d+\.\d) s(?<asked> as the API asked)?\.$' -f $i, $Of, $Method, [regex]::Escape($collection), [regex]::Escape($After)
        }
    }

    # Checks the retry lines against Get-ExpectedRetryLine, and each wait against -Waits: '1.0' (exactly that,
    # asked), 'date' (asked, 0.4-1.6 s), 'backoff' (not asked, at most 0.1 s with the 0.01 s base delay).
    function Assert-RetryLine([string[]]$Actual, [string[]]$Expected, [string[]]$Waits) {
        $Actual.Count | Should -Be $Expected.Count -Because ("the retry lines were:`n" + ($Actual -join "`n"))
        $retry = 0
        for ($k = 0; $k -lt $Expected.Count; $k++) {
            $Actual[$k] -cmatch $Expected[$k] | Should -BeTrue -Because "'$($Actual[$k])' should match '$($Expected[$k])'"
            if ($Expected[$k] -notlike '^Retry *') { continue }
            $wait = [double]::Parse($Matches.wait, [cultureinfo]::InvariantCulture)
            $asked = [bool]$Matches.asked
            switch ($Waits[$retry]) {
                'backoff' { $asked | Should -BeFalse -Because $Actual[$k]; $wait | Should -BeLessOrEqual 0.1 -Because $Actual[$k] }
                'date' { $asked | Should -BeTrue -Because $Actual[$k]; $wait | Should -BeGreaterOrEqual 0.4 -Because $Actual[$k]; $wait | Should -BeLessOrEqual 1.6 -Because $Actual[$k] }
                default { $asked | Should -BeTrue -Because $Actual[$k]; $Matches.wait | Should -BeExactly $Waits[$retry] -Because $Actual[$k] }
            }
            $retry++
        }
        $retry | Should -Be $Waits.Count
    }

    # A Retry-After HTTP date about a second ahead. The format has whole seconds, so 1.6 s is added before it
    # truncates: the wait asked is then between 0.6 and 1.6 s (a little less by the time the answer is read).
    function Get-RetryAfterDate { [DateTimeOffset]::UtcNow.AddSeconds(1.6).ToString('r', [cultureinfo]::InvariantCulture) }
}

AfterAll {
    if ($emu) { $emu.Dispose() }
    Restore-BasetenTestState $savedState
}

Describe 'New-BasetenEnvironment survives transient faults, creating exactly once' -Tag 'Integration', 'Reliability' {
    BeforeEach {
        Reset-EmulatorLog $emu -SettleMs 20
        Connect-BasetenRetryTestEmulator $emu
    }

    It '<Case>' -ForEach @(
        @{ Case = '429 asking retry_after 1 in the body only'; Fault = @{ StatusCode = 429; RetryAfterBody = 1 }
            Log = 'POST {c} 429 Status', 'POST {c} 200'; After = '429 Too Many Requests'; Waits = @('1.0'); MinMs = 950 }
        @{ Case = '429 asking Retry-After: 1 (seconds) in the header only'; Fault = @{ StatusCode = 429; Body = $rateLimitBody; RetryAfterHeader = '1' }
            Log = 'POST {c} 429 Status', 'POST {c} 200'; After = '429 Too Many Requests'; Waits = @('1.0'); MinMs = 950 }
        @{ Case = '429 asking Retry-After as an HTTP date'; Fault = @{ StatusCode = 429; Body = $rateLimitBody; RetryAfterHeader = 'http-date' }
            Log = 'POST {c} 429 Status', 'POST {c} 200'; After = '429 Too Many Requests'; Waits = @('date'); MinMs = 400 }
        @{ Case = 'a burst of two 429s asking retry_after 0.2'; Fault = @{ StatusCode = 429; Body = '{"error": "Rate limit exceeded. Please try again later.", "retry_after": 0.2}'; Times = 2 }
            Log = 'POST {c} 429 Status', 'POST {c} 429 Status', 'POST {c} 200'; After = '429 Too Many Requests'; Waits = @('0.2', '0.2'); MinMs = 380 }
        @{ Case = 'a burst of three 503s (backoff, no read-back: 503 did not take effect)'; Fault = @{ StatusCode = 503; Times = 3 }
            Log = 'POST {c} 503 Status', 'POST {c} 503 Status', 'POST {c} 503 Status', 'POST {c} 200'; After = '503 Service Unavailable'; Waits = @('backoff', 'backoff', 'backoff') }
        @{ Case = '408 (sent again, no read-back)'; Fault = @{ StatusCode = 408 }
            Log = 'POST {c} 408 Status', 'POST {c} 200'; After = '408 Request Timeout'; Waits = @('backoff') }
        @{ Case = '502 from a gateway (read back: not created, so sent again)'; Fault = @{ StatusCode = 502 }; ReadBack = $true
            Log = 'POST {c} 502 Status', 'GET {c}/{n} 404', 'POST {c} 200'; After = '502 Bad Gateway'; Waits = @('backoff') }
        @{ Case = 'a burst of two 504s (read back before each retry)'; Fault = @{ StatusCode = 504; Times = 2 }; ReadBack = $true
            Log = 'POST {c} 504 Status', 'GET {c}/{n} 404', 'POST {c} 504 Status', 'GET {c}/{n} 404', 'POST {c} 200'; After = '504 Gateway Timeout'; Waits = @('backoff', 'backoff') }
        @{ Case = 'ResetBeforeResponse (connection dropped before any answer: read back, then sent again)'; Fault = @{ Kind = 'ResetBeforeResponse' }; ReadBack = $true
            Log = 'POST {c} 0 ResetBeforeResponse lost', 'GET {c}/{n} 404', 'POST {c} 200'; After = 'a connection failure'; Waits = @('backoff') }
        @{ Case = 'ResetMidResponse (answer cut off half way: read back, then sent again)'; Fault = @{ Kind = 'ResetMidResponse' }; ReadBack = $true
            Log = 'POST {c} 200 ResetMidResponse lost', 'GET {c}/{n} 404', 'POST {c} 200'; After = 'a connection failure'; Waits = @('backoff') }
    ) {
        $spec = $Fault.Clone()
        if ($spec['RetryAfterHeader'] -eq 'http-date') { $spec['RetryAfterHeader'] = Get-RetryAfterDate }
        Add-Fault $spec
        $name = New-UniqueName

        $result = Invoke-Observed New-BasetenEnvironment @{ ModelId = $model.Id; Name = $name }

        Assert-NoError $result
        $result.Output.Count | Should -Be 1
        $result.Output[0] | Should -BeOfType ([Baseten.Core.Models.EnvironmentV1])
        $result.Output[0].Name | Should -BeExactly $name
        $result.Output[0].ModelId | Should -BeExactly $model.Id

        # Nothing duplicated, nothing lost: exactly the requests expected, one successful create among them.
        $expectedLog = @($Log | ForEach-Object { $_.Replace('{n}', $name) })
        Get-LogSummary $expectedLog.Count | Should -Be $expectedLog
        Get-EnvironmentCount $name | Should -Be 1

        Assert-RetryLine $result.Retry @(Get-ExpectedRetryLine -Method POST -After $After -Retries $Waits.Count -ReadBack:([bool]$ReadBack)) $Waits
        if ($MinMs) { $result.ElapsedMs | Should -BeGreaterOrEqual $MinMs -Because 'the wait the API asked for is honoured' }
    }

    It 'LoseResponse: a create whose answer was lost is read back and returned, created once, with no error' {
        # THE case: the API created the environment, then the connection dropped before the answer arrived.
        Add-Fault @{ Kind = 'LoseResponse' }
        $name = New-UniqueName 'lost'

        $result = Invoke-Observed New-BasetenEnvironment @{ ModelId = $model.Id; Name = $name }

        Assert-NoError $result
        $result.Output.Count | Should -Be 1
        $result.Output[0].Name | Should -BeExactly $name
        $result.Output[0].ModelId | Should -BeExactly $model.Id

        # One POST (processed, its answer lost), one read-back GET, and no second POST.
        $log = @(Get-EmulatorRequest $emu -Count 2)
        $log | ConvertTo-EmulatorRequestSummary -Replace @{ $collection = '{c}' } | Should -Be @('POST {c} 200 LoseResponse lost', "GET {c}/$name 200")
        @($log | Where-Object Method -EQ 'POST').Count | Should -Be 1
        $log[0].ResponseLost | Should -BeTrue

        $result.Retry | Should -Be @(
            "The answer to POST $collection was lost (a connection failure); reading back whether it took effect."
            'It did: returning what it created.'
        )
        Get-EnvironmentCount $name | Should -Be 1
    }

    It 'LoseResponse, then a read-back that says 404: the resent create meets itself (409) and is returned, not reported as a conflict' {
        Add-Fault @{ Kind = 'LoseResponse' }
        $name = New-UniqueName 'lost-conflict'
        # The first read-back is told the environment is not there (a lagging replica, say), so the create is sent again.
        Add-Fault @{ StatusCode = 404 } -Method GET -Path "$collection/$name"

        $result = Invoke-Observed New-BasetenEnvironment @{ ModelId = $model.Id; Name = $name }

        Assert-NoError $result
        $result.Output.Count | Should -Be 1
        $result.Output[0].Name | Should -BeExactly $name
        Get-LogSummary 4 | Should -Be @('POST {c} 200 LoseResponse lost', "GET {c}/$name 404 Status", 'POST {c} 409', "GET {c}/$name 200")
        Get-EnvironmentCount $name | Should -Be 1
    }

    It 'LoseResponse, then a read-back hit by a 503: the read-back is retried itself and the create returned' {
        Add-Fault @{ Kind = 'LoseResponse' }
        $name = New-UniqueName 'lost-readback-503'
        Add-Fault @{ StatusCode = 503 } -Method GET -Path "$collection/$name"

        $result = Invoke-Observed New-BasetenEnvironment @{ ModelId = $model.Id; Name = $name }

        Assert-NoError $result
        $result.Output.Name | Should -BeExactly $name
        Get-LogSummary 3 | Should -Be @('POST {c} 200 LoseResponse lost', "GET {c}/$name 503 Status", "GET {c}/$name 200")
        $result.Retry | Should -Contain 'It did: returning what it created.'
        Measure-Match $result.Retry ('^Retry 1 of 3 for GET {0}/{1} after 503 Service Unavailable: waiting \d+\.\d s\.$' -f [regex]::Escape($collection), [regex]::Escape($name)) | Should -Be 1
        Get-EnvironmentCount $name | Should -Be 1
    }

    It 'LoseResponse, then a read-back that fails for good: the lost answer is reported and the create is NOT sent again' {
        Add-Fault @{ Kind = 'LoseResponse' }
        $name = New-UniqueName 'lost-unknown'
        Add-Fault @{ StatusCode = 500; Times = 5 } -Method GET -Path "$collection/$name"

        $result = Invoke-Observed New-BasetenEnvironment @{ ModelId = $model.Id; Name = $name }

        $result.Output.Count | Should -Be 0
        $result.Errors.Count | Should -Be 1
        Assert-BasetenErrorRecordIsClear $result.Errors -ErrorId "ApiUnreachable,$newCmdlet"
        $result.Errors[0].TargetObject | Should -BeExactly $name
        $result.Errors[0].Exception | Should -BeOfType ([Baseten.Core.Http.BasetenConnectionException])
        Get-LogSummary 2 | Should -Be @('POST {c} 200 LoseResponse lost', "GET {c}/$name 500 Status")
        $result.Retry | Should -Contain 'Reading back failed too (500 Internal Server Error).'
        # It did take effect, once: unknown to the cmdlet, which said so instead of guessing.
        Get-EnvironmentCount $name | Should -Be 1
    }

    It 'a create whose answer is lost on the last attempt allowed (<Title>) is still read back and returned, not reported as a failure' -ForEach @(
        @{ Title = '-MaxRetry 0'; MaxRetry = 0; Before = @(); Log = @('POST {c} 200 LoseResponse lost', 'GET {c}/{n} 200') }
        @{ Title = '-MaxRetry 1, after a 503'; MaxRetry = 1; Before = @(503); Log = @('POST {c} 503 Status', 'POST {c} 200 LoseResponse lost', 'GET {c}/{n} 200') }
    ) {
        # Reading back is not a retry: it sends no change. Without it the environment exists, the call reports
        # ApiUnreachable, and the runbook's rerun fails with EnvironmentAlreadyExists.
        foreach ($status in $Before) { Add-Fault @{ StatusCode = $status } }
        Add-Fault @{ Kind = 'LoseResponse' }
        $name = New-UniqueName 'lost-last'

        $result = Invoke-Observed New-BasetenEnvironment @{ ModelId = $model.Id; Name = $name; MaxRetry = $MaxRetry }

        Assert-NoError $result
        $result.Output.Count | Should -Be 1
        $result.Output[0].Name | Should -BeExactly $name
        $result.Retry | Should -Contain 'It did: returning what it created.'
        $expectedLog = @($Log | ForEach-Object { $_.Replace('{n}', $name) })
        Get-LogSummary $expectedLog.Count | Should -Be $expectedLog
        Get-EnvironmentCount $name | Should -Be 1
    }

    It 'a real conflict (the environment existed before) is EnvironmentAlreadyExists at once, not retried or read back' {
        $name = New-UniqueName 'exists'
        $null = New-BasetenEnvironment -ModelId $model.Id -Name $name -ErrorAction Stop
        Reset-EmulatorLog $emu -SettleMs 20

        $result = Invoke-Observed New-BasetenEnvironment @{ ModelId = $model.Id; Name = $name }

        $result.Output.Count | Should -Be 0
        Assert-BasetenErrorRecordIsClear $result.Errors -ErrorId "EnvironmentAlreadyExists,$newCmdlet"
        Get-LogSummary 1 | Should -Be @('POST {c} 409')
        $result.Retry.Count | Should -Be 0 -Because ($result.Retry -join '; ')
    }
}

Describe 'Get-BasetenEnvironment survives transient faults' -Tag 'Integration', 'Reliability' {
    BeforeEach {
        Reset-EmulatorLog $emu -SettleMs 20
        Connect-BasetenRetryTestEmulator $emu
    }

    It '<Case>' -ForEach @(
        @{ Case = '429 asking retry_after 1 in the body only'; Fault = @{ StatusCode = 429; RetryAfterBody = 1 }
            Log = 'GET {c} 429 Status', 'GET {c} 200'; After = '429 Too Many Requests'; Waits = @('1.0'); MinMs = 950 }
        @{ Case = '429 asking Retry-After: 1 (seconds) in the header only'; Fault = @{ StatusCode = 429; Body = $rateLimitBody; RetryAfterHeader = '1' }
            Log = 'GET {c} 429 Status', 'GET {c} 200'; After = '429 Too Many Requests'; Waits = @('1.0'); MinMs = 950 }
        @{ Case = '429 asking Retry-After as an HTTP date'; Fault = @{ StatusCode = 429; Body = $rateLimitBody; RetryAfterHeader = 'http-date' }
            Log = 'GET {c} 429 Status', 'GET {c} 200'; After = '429 Too Many Requests'; Waits = @('date'); MinMs = 400 }
        @{ Case = 'a burst of two 429s asking retry_after 0.2'; Fault = @{ StatusCode = 429; Body = '{"error": "Rate limit exceeded. Please try again later.", "retry_after": 0.2}'; Times = 2 }
            Log = 'GET {c} 429 Status', 'GET {c} 429 Status', 'GET {c} 200'; After = '429 Too Many Requests'; Waits = @('0.2', '0.2'); MinMs = 380 }
        @{ Case = 'a burst of three 503s'; Fault = @{ StatusCode = 503; Times = 3 }
            Log = 'GET {c} 503 Status', 'GET {c} 503 Status', 'GET {c} 503 Status', 'GET {c} 200'; After = '503 Service Unavailable'; Waits = @('backoff', 'backoff', 'backoff') }
        @{ Case = 'a burst of two 502s (a GET is simply sent again)'; Fault = @{ StatusCode = 502; Times = 2 }
            Log = 'GET {c} 502 Status', 'GET {c} 502 Status', 'GET {c} 200'; After = '502 Bad Gateway'; Waits = @('backoff', 'backoff') }
        @{ Case = '504'; Fault = @{ StatusCode = 504 }
            Log = 'GET {c} 504 Status', 'GET {c} 200'; After = '504 Gateway Timeout'; Waits = @('backoff') }
        @{ Case = '408'; Fault = @{ StatusCode = 408 }
            Log = 'GET {c} 408 Status', 'GET {c} 200'; After = '408 Request Timeout'; Waits = @('backoff') }
        @{ Case = 'ResetBeforeResponse'; Fault = @{ Kind = 'ResetBeforeResponse' }
            Log = 'GET {c} 0 ResetBeforeResponse lost', 'GET {c} 200'; After = 'a connection failure'; Waits = @('backoff') }
        @{ Case = 'ResetMidResponse'; Fault = @{ Kind = 'ResetMidResponse' }
            Log = 'GET {c} 200 ResetMidResponse lost', 'GET {c} 200'; After = 'a connection failure'; Waits = @('backoff') }
        @{ Case = 'LoseResponse'; Fault = @{ Kind = 'LoseResponse' }
            Log = 'GET {c} 200 LoseResponse lost', 'GET {c} 200'; After = 'a connection failure'; Waits = @('backoff') }
    ) {
        $spec = $Fault.Clone()
        if ($spec['RetryAfterHeader'] -eq 'http-date') { $spec['RetryAfterHeader'] = Get-RetryAfterDate }
        Add-Fault $spec -Method GET

        $result = Invoke-Observed Get-BasetenEnvironment @{ ModelId = $model.Id }

        Assert-NoError $result
        $result.Output | Should -Not -BeNullOrEmpty
        $result.Output | ForEach-Object { $_ | Should -BeOfType ([Baseten.Core.Models.EnvironmentV1]) }
        $result.Output.Name | Should -Contain 'production'
        # Each environment once: a retried list is not appended to a partial one.
        @($result.Output.Name | Select-Object -Unique).Count | Should -Be $result.Output.Count

        Get-LogSummary $Log.Count | Should -Be $Log
        Assert-RetryLine $result.Retry @(Get-ExpectedRetryLine -Method GET -After $After -Retries $Waits.Count) $Waits
        if ($MinMs) { $result.ElapsedMs | Should -BeGreaterOrEqual $MinMs -Because 'the wait the API asked for is honoured' }
    }

    It 'one environment by name survives a 502 and a dropped connection' {
        Add-Fault @{ StatusCode = 502 } -Method GET -Path "$collection/production"
        Add-Fault @{ Kind = 'ResetBeforeResponse' } -Method GET -Path "$collection/production"

        $result = Invoke-Observed Get-BasetenEnvironment @{ ModelId = $model.Id; Name = 'production' }

        Assert-NoError $result
        $result.Output.Count | Should -Be 1
        $result.Output[0].Name | Should -BeExactly 'production'
        Get-LogSummary 3 | Should -Be @('GET {c}/production 502 Status', 'GET {c}/production 0 ResetBeforeResponse lost', 'GET {c}/production 200')
        @($result.Retry).Count | Should -Be 2
        $result.Retry[0] | Should -Match '^Retry 1 of 3 for GET .*/production after 502 Bad Gateway: waiting \d+\.\d s\.$'
        $result.Retry[1] | Should -Match '^Retry 2 of 3 for GET .*/production after a connection failure: waiting \d+\.\d s\.$'
    }
}

Describe 'Never retried: answers a retry cannot change' -Tag 'Integration', 'Reliability' {
    BeforeEach {
        Reset-EmulatorLog $emu -SettleMs 20
        Connect-BasetenRetryTestEmulator $emu
    }

    It '<Status> on New-BasetenEnvironment is <ErrorId> after exactly one request' -ForEach @(
        @{ Status = 400; ErrorId = 'ApiRequestRejected' }
        @{ Status = 401; ErrorId = 'AuthenticationFailed' }
        @{ Status = 403; ErrorId = 'PermissionDenied' }
        @{ Status = 404; ErrorId = 'ModelNotFound' }
        @{ Status = 409; ErrorId = 'EnvironmentAlreadyExists' }
        @{ Status = 422; ErrorId = 'ApiRequestRejected' }
        @{ Status = 500; ErrorId = 'ApiUnavailable' }
    ) {
        Add-Fault @{ StatusCode = $Status; Times = 5 }
        $name = New-UniqueName "never-$Status"

        $result = Invoke-Observed New-BasetenEnvironment @{ ModelId = $model.Id; Name = $name }

        $result.Output.Count | Should -Be 0
        $result.Errors.Count | Should -Be 1
        Assert-BasetenErrorRecordIsClear $result.Errors -ErrorId "$ErrorId,$newCmdlet"
        $result.Errors[0].Exception.StatusCode | Should -Be $Status
        Get-LogSummary 1 | Should -Be @("POST {c} $Status Status")
        $result.Retry.Count | Should -Be 0 -Because ($result.Retry -join '; ')
        Measure-Match $result.Verbose '^(Retry|Giving up|Not retrying|The answer to)' | Should -Be 0
    }

    It '<Status> on Get-BasetenEnvironment is <ErrorId> after exactly one request' -ForEach @(
        @{ Status = 400; ErrorId = 'ApiRequestRejected' }
        @{ Status = 401; ErrorId = 'AuthenticationFailed' }
        @{ Status = 403; ErrorId = 'PermissionDenied' }
        @{ Status = 404; ErrorId = 'ModelNotFound' }
        @{ Status = 409; ErrorId = 'Conflict' }
        @{ Status = 422; ErrorId = 'ApiRequestRejected' }
        @{ Status = 500; ErrorId = 'ApiUnavailable' }
    ) {
        Add-Fault @{ StatusCode = $Status; Times = 5 } -Method GET

        $result = Invoke-Observed Get-BasetenEnvironment @{ ModelId = $model.Id }

        $result.Output.Count | Should -Be 0
        $result.Errors.Count | Should -Be 1
        Assert-BasetenErrorRecordIsClear $result.Errors -ErrorId "$ErrorId,$getCmdlet"
        $result.Errors[0].TargetObject | Should -BeExactly $model.Id
        Get-LogSummary 1 | Should -Be @("GET {c} $Status Status")
        $result.Retry.Count | Should -Be 0 -Because ($result.Retry -join '; ')
    }
}

Describe 'Caps: attempts, total retry time, per-call overrides' -Tag 'Integration', 'Reliability' {
    BeforeEach {
        Reset-EmulatorLog $emu -SettleMs 20
        Connect-BasetenRetryTestEmulator $emu
    }
    AfterAll { Connect-BasetenRetryTestEmulator $emu }

    It '-MaxRetry 2 with five 503s on <Cmdlet>: three requests, then ApiUnavailable and a "Giving up" line' -ForEach @(
        @{ Cmdlet = 'New-BasetenEnvironment'; Method = 'POST'; Class = 'NewBasetenEnvironmentCommand' }
        @{ Cmdlet = 'Get-BasetenEnvironment'; Method = 'GET'; Class = 'GetBasetenEnvironmentCommand' }
    ) {
        Add-Fault @{ StatusCode = 503; Times = 5 } -Method $Method
        $parameters = @{ ModelId = $model.Id; MaxRetry = 2 }
        if ($Method -eq 'POST') { $parameters.Name = New-UniqueName 'cap' }

        $result = Invoke-Observed $Cmdlet $parameters

        $result.Output.Count | Should -Be 0
        Assert-BasetenErrorRecordIsClear $result.Errors -ErrorId "ApiUnavailable,Baseten.PowerShell.Cmdlets.$Class"
        Get-LogSummary 3 | Should -Be @(1..3 | ForEach-Object { "$Method {c} 503 Status" })
        $result.Retry.Count | Should -Be 3
        $result.Retry[0] | Should -Match "^Retry 1 of 2 for $Method .* after 503 Service Unavailable: waiting \d+\.\d s\.$"
        $result.Retry[1] | Should -Match "^Retry 2 of 2 for $Method .* after 503 Service Unavailable: waiting \d+\.\d s\.$"
        $result.Retry[2] | Should -BeExactly "Giving up on $Method $collection after 3 attempts: 503 Service Unavailable."
    }

    It '-MaxRetry 0: one request and the error at once, no retry line' {
        Add-Fault @{ StatusCode = 503; Times = 5 } -Method GET

        $result = Invoke-Observed Get-BasetenEnvironment @{ ModelId = $model.Id; MaxRetry = 0 }

        Assert-BasetenErrorRecordIsClear $result.Errors -ErrorId "ApiUnavailable,$getCmdlet"
        Get-LogSummary 1 | Should -Be @('GET {c} 503 Status')
        $result.Retry.Count | Should -Be 0 -Because ($result.Retry -join '; ')
    }

    It 'the session''s -MaxRetry applies, and a per-call -MaxRetry overrides it: <Title>' -ForEach @(
        @{ Title = 'session 1, no -MaxRetry: 2 requests'; Session = 1; PerCall = $null; Requests = 2 }
        @{ Title = 'session 1, -MaxRetry 3: 4 requests'; Session = 1; PerCall = 3; Requests = 4 }
        @{ Title = 'session 3, -MaxRetry 1: 2 requests'; Session = 3; PerCall = 1; Requests = 2 }
    ) {
        Connect-BasetenRetryTestEmulator $emu -MaxRetry $Session
        (Get-BasetenContext).MaxRetry | Should -Be $Session
        Add-Fault @{ StatusCode = 503; Times = 5 } -Method GET
        $parameters = @{ ModelId = $model.Id }
        if ($null -ne $PerCall) { $parameters.MaxRetry = $PerCall }

        $result = Invoke-Observed Get-BasetenEnvironment $parameters

        Assert-BasetenErrorRecordIsClear $result.Errors -ErrorId "ApiUnavailable,$getCmdlet"
        Get-LogSummary $Requests | Should -Be @(1..$Requests | ForEach-Object { 'GET {c} 503 Status' })
        $result.Retry[-1] | Should -BeExactly "Giving up on GET $collection after $Requests attempts: 503 Service Unavailable."
        # The per-call value did not stick to the session.
        (Get-BasetenContext).MaxRetry | Should -Be $Session
    }

    It 'Connect -MaxRetryTimeSec 1: a 429 asking retry_after 5 on <Cmdlet> is RateLimited at once, with a "Not retrying" line' -ForEach @(
        @{ Cmdlet = 'New-BasetenEnvironment'; Method = 'POST'; Class = 'NewBasetenEnvironmentCommand' }
        @{ Cmdlet = 'Get-BasetenEnvironment'; Method = 'GET'; Class = 'GetBasetenEnvironmentCommand' }
    ) {
        Connect-BasetenRetryTestEmulator $emu -MaxRetryTimeSec 1
        (Get-BasetenContext).MaxRetryTimeSec | Should -Be 1
        Add-Fault @{ StatusCode = 429; RetryAfterBody = 5; Times = 5 } -Method $Method
        $parameters = @{ ModelId = $model.Id }
        if ($Method -eq 'POST') { $parameters.Name = New-UniqueName 'too-long' }

        $result = Invoke-Observed $Cmdlet $parameters

        $result.Output.Count | Should -Be 0
        Assert-BasetenErrorRecordIsClear $result.Errors -ErrorId "RateLimited,Baseten.PowerShell.Cmdlets.$Class"
        $result.Errors[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::LimitsExceeded)
        $result.Errors[0].Exception.RetryAfter | Should -Be ([timespan]::FromSeconds(5))
        $result.ElapsedMs | Should -BeLessThan 1000 -Because 'a wait past the retry limit is not started at all'
        Get-LogSummary 1 | Should -Be @("$Method {c} 429 Status")
        $result.Retry.Count | Should -Be 1
        $result.Retry[0] | Should -MatchExactly ('^Not retrying {0} {1} after 429 Too Many Requests: a wait of 5\.0 s would pass the 1 s retry limit \(0\.\d s spent retrying so far\)\.$' -f $Method, [regex]::Escape($collection))
    }

    It 'the total retry time caps backoff too: 503s forever end after about a second with a "Not retrying" line' {
        Connect-BasetenRetryTestEmulator $emu -MaxRetry 10 -MaxRetryTimeSec 1 -RetryDelaySec 0.4
        Add-Fault @{ StatusCode = 503; Times = [int]::MaxValue } -Method GET

        $result = Invoke-Observed Get-BasetenEnvironment @{ ModelId = $model.Id }

        Assert-BasetenErrorRecordIsClear $result.Errors -ErrorId "ApiUnavailable,$getCmdlet"
        # Waits of 0.2-0.4, 0.4-0.8, 0.8-1.6 s: the second or the third would pass 1 s.
        $log = @(Get-LogSummary 2)
        $log.Count | Should -BeIn 2, 3
        $log | Should -Be @(1..$log.Count | ForEach-Object { 'GET {c} 503 Status' })
        # Uncapped, ten retries would wait 0.4 + 0.8 + 1.6 + ... s (tens of seconds); capped, at most 1.2 s.
        $result.ElapsedMs | Should -BeLessThan 2000
        $result.Retry[-1] | Should -MatchExactly ('^Not retrying GET {0} after 503 Service Unavailable: a wait of \d+\.\d s would pass the 1 s retry limit \(\d+\.\d s spent retrying so far\)\.$' -f [regex]::Escape($collection))
        Measure-Match $result.Retry '^Giving up' | Should -Be 0
    }

    It 'without a wait asked, the backoff doubles each retry (with jitter): 0.1-0.2, 0.2-0.4, 0.4-0.8 s for a 0.2 s base' {
        Connect-BasetenRetryTestEmulator $emu -RetryDelaySec 0.2
        Add-Fault @{ StatusCode = 503; Times = 3 } -Method GET

        $result = Invoke-Observed Get-BasetenEnvironment @{ ModelId = $model.Id }

        Assert-NoError $result
        $waits = @($result.Retry | ForEach-Object {
                $_ -cmatch '^Retry \d of 3 for GET .* after 503 Service Unavailable: waiting (?<wait>\d+\.\d) s\.$' | Should -BeTrue -Because $_
                [double]::Parse($Matches.wait, [cultureinfo]::InvariantCulture)
            })
        $waits.Count | Should -Be 3
        # Shown with one decimal, so each range is widened by the rounding.
        $waits[0] | Should -BeGreaterOrEqual 0.1; $waits[0] | Should -BeLessOrEqual 0.2
        $waits[1] | Should -BeGreaterOrEqual 0.2; $waits[1] | Should -BeLessOrEqual 0.4
        $waits[2] | Should -BeGreaterOrEqual 0.4; $waits[2] | Should -BeLessOrEqual 0.8
        $result.ElapsedMs | Should -BeGreaterOrEqual 650
    }

    It 'retrying is on by default: Connect-Baseten without retry settings retries a 429 (MaxRetry 3, MaxRetryTimeSec 60)' {
        $null = Connect-Baseten -ApiKey (ConvertTo-TestSecureString $emu.ApiKey) -BaseUri $emu.BaseUri -ErrorAction Stop
        $context = Get-BasetenContext
        $context.MaxRetry | Should -Be 3
        $context.MaxRetryTimeSec | Should -Be 60
        Add-Fault @{ StatusCode = 429; Body = '{"error": "Rate limit exceeded. Please try again later.", "retry_after": 0}' } -Method GET

        $result = Invoke-Observed Get-BasetenEnvironment @{ ModelId = $model.Id }

        Assert-NoError $result
        $result.Output.Name | Should -Contain 'production'
        Get-LogSummary 2 | Should -Be @('GET {c} 429 Status', 'GET {c} 200')
        $result.Retry | Should -Be @("Retry 1 of 3 for GET $collection after 429 Too Many Requests: waiting 0.0 s as the API asked.")
    }

    It 'Get-BasetenContext shows the session''s MaxRetry and MaxRetryTimeSec, and the defaults for the environment variables' {
        Connect-BasetenRetryTestEmulator $emu -MaxRetry 5 -MaxRetryTimeSec 7
        $context = Get-BasetenContext
        $context.MaxRetry | Should -Be 5
        $context.MaxRetryTimeSec | Should -Be 7

        try {
            Clear-BasetenTestState
            $env:BASETEN_API_KEY = $emu.ApiKey
            $env:BASETEN_API_URL = $emu.BaseUri.AbsoluteUri
            $context = Get-BasetenContext
            $context.Source | Should -BeExactly 'Environment'
            $context.MaxRetry | Should -Be 3
            $context.MaxRetryTimeSec | Should -Be 60
        }
        finally {
            Clear-BasetenTestState
        }
    }
}

Describe 'Timeouts: a request that hangs ends with RequestTimedOut, and is not retried' -Tag 'Integration', 'Reliability' {
    BeforeEach {
        Reset-EmulatorLog $emu -SettleMs 20
        Connect-BasetenRetryTestEmulator $emu
    }
    AfterAll { Connect-BasetenRetryTestEmulator $emu }

    # Errors.Tests.ps1 covers Connect-Baseten -TimeoutSec (a slow answer); here the per-call override and a hang.
    It 'a Hang on <Cmdlet> with per-call -TimeoutSec 1 (session: 100) ends after about a second as RequestTimedOut (OperationTimeout)' -ForEach @(
        @{ Cmdlet = 'New-BasetenEnvironment'; Method = 'POST'; Class = 'NewBasetenEnvironmentCommand' }
        @{ Cmdlet = 'Get-BasetenEnvironment'; Method = 'GET'; Class = 'GetBasetenEnvironmentCommand' }
    ) {
        Add-Fault @{ Kind = 'Hang'; Times = 5 } -Method $Method
        $parameters = @{ ModelId = $model.Id }
        $parameters.TimeoutSec = 1
        $name = New-UniqueName 'hang'
        if ($Method -eq 'POST') { $parameters.Name = $name }

        $result = Invoke-Observed $Cmdlet $parameters

        $result.Output.Count | Should -Be 0
        $result.Errors.Count | Should -Be 1
        Assert-BasetenErrorRecordIsClear $result.Errors -ErrorId "RequestTimedOut,Baseten.PowerShell.Cmdlets.$Class"
        $result.Errors[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::OperationTimeout)
        $result.Errors[0].Exception | Should -BeOfType ([Baseten.Core.Http.BasetenTimeoutException])
        $result.Errors[0].Exception.Timeout | Should -Be ([timespan]::FromSeconds(1))
        $result.ElapsedMs | Should -BeGreaterOrEqual 900
        $result.ElapsedMs | Should -BeLessThan 2500
        Measure-Match $result.Verbose "^HTTP $Method .* timed out after \d+ ms$" | Should -Be 1
        # Not retried: the caller's limit is final, and a create that timed out is never sent again blind.
        Get-LogSummary 1 | Should -Be @("$Method {c} 0 Hang lost")
        $result.Retry.Count | Should -Be 0 -Because ($result.Retry -join '; ')
    }
}

Describe 'Bad answers are clear errors: never a crash, a hang or a NullReferenceException' -Tag 'Integration', 'Reliability' {
    BeforeEach {
        Reset-EmulatorLog $emu -SettleMs 20
        Connect-BasetenRetryTestEmulator $emu
    }

    It '<Case> on <Cmdlet> is <ErrorId> ("<Says>")' -ForEach @(
        @{ Case = 'a gateway''s HTML 502 page, every time'; Cmdlet = 'Get'; Fault = @{ Kind = 'Html'; Times = [int]::MaxValue }; ErrorId = 'ApiUnavailable'; Says = 'HTML error page: 502 Bad Gateway'; Requests = 4 }
        # A 502 on a create may have taken effect: 4 POSTs, each followed by a read-back GET (the last one too).
        @{ Case = 'a gateway''s HTML 502 page, every time'; Cmdlet = 'New'; Fault = @{ Kind = 'Html'; Times = [int]::MaxValue }; ErrorId = 'ApiUnavailable'; Says = 'HTML error page: 502 Bad Gateway'; Requests = 8 }
        @{ Case = 'a gateway''s HTML 503 page, every time'; Cmdlet = 'Get'; Fault = @{ Kind = 'Html'; StatusCode = 503; Body = '<html><head><title>503 Service Temporarily Unavailable</title></head><body><center><h1>503</h1></center><hr><center>nginx</center></body></html>'; Times = [int]::MaxValue }; ErrorId = 'ApiUnavailable'; Says = 'HTML error page: 503 Service Temporarily Unavailable'; Requests = 4 }
        @{ Case = '200 with truncated JSON'; Cmdlet = 'Get'; Fault = @{ Kind = 'MalformedJson' }; ErrorId = 'InvalidApiResponse'; Says = 'is not the expected EnvironmentsV1 JSON'; Requests = 1 }
        @{ Case = '200 with truncated JSON'; Cmdlet = 'New'; Fault = @{ Kind = 'MalformedJson' }; ErrorId = 'InvalidApiResponse'; Says = 'is not the expected EnvironmentV1 JSON'; Requests = 1 }
        @{ Case = '200 with an empty body'; Cmdlet = 'Get'; Fault = @{ Kind = 'EmptyBody' }; ErrorId = 'InvalidApiResponse'; Says = 'the body is empty.'; Requests = 1 }
        @{ Case = '200 with an empty body'; Cmdlet = 'New'; Fault = @{ Kind = 'EmptyBody' }; ErrorId = 'InvalidApiResponse'; Says = 'the body is empty.'; Requests = 1 }
        @{ Case = '200 with an object of the wrong shape'; Cmdlet = 'Get'; Fault = @{ Kind = 'WrongShape' }; ErrorId = 'InvalidApiResponse'; Says = 'is not the expected EnvironmentsV1: it lacks environments.'; Requests = 1 }
        @{ Case = '200 with an array instead of an object'; Cmdlet = 'Get'; Fault = @{ Kind = 'WrongShape'; Body = '[1,2,3]' }; ErrorId = 'InvalidApiResponse'; Says = 'is not the expected EnvironmentsV1 JSON'; Requests = 1 }
        @{ Case = '200 with a 20 MB body'; Cmdlet = 'Get'; Fault = @{ Kind = 'HugeBody' }; ErrorId = 'InvalidApiResponse'; Says = 'the body is larger than 16 MB, so it was not read.'; Requests = 1 }
        @{ Case = '200 with a 20 MB body'; Cmdlet = 'New'; Fault = @{ Kind = 'HugeBody' }; ErrorId = 'InvalidApiResponse'; Says = 'the body is larger than 16 MB, so it was not read.'; Requests = 1 }
        @{ Case = '500 with truncated JSON'; Cmdlet = 'Get'; Fault = @{ Kind = 'MalformedJson'; StatusCode = 500 }; ErrorId = 'ApiUnavailable'; Says = '{"name": "staging", "model_'; Requests = 1 }
        @{ Case = '503 with an empty body, every time'; Cmdlet = 'Get'; Fault = @{ Kind = 'EmptyBody'; StatusCode = 503; Times = [int]::MaxValue }; ErrorId = 'ApiUnavailable'; Says = '503 Service Unavailable'; Requests = 4 }
        @{ Case = '404 with an empty body'; Cmdlet = 'New'; Fault = @{ Kind = 'EmptyBody'; StatusCode = 404 }; ErrorId = 'ModelNotFound'; Says = '404 Not Found'; Requests = 1 }
    ) {
        $method = if ($Cmdlet -eq 'New') { 'POST' } else { 'GET' }
        Add-Fault $Fault -Method $method
        $parameters = @{ ModelId = $model.Id; TimeoutSec = 5 }
        $name = New-UniqueName 'bad'
        if ($Cmdlet -eq 'New') { $parameters.Name = $name }
        $class = "Baseten.PowerShell.Cmdlets.$($Cmdlet)BasetenEnvironmentCommand"
        $Error.Clear()

        $result = Invoke-Observed "$Cmdlet-BasetenEnvironment" $parameters

        $result.Output.Count | Should -Be 0
        $result.Errors.Count | Should -Be 1
        Assert-BasetenErrorRecordIsClear $result.Errors -ErrorId "$ErrorId,$class"
        Assert-BasetenErrorRecordIsClear @($Error[0])
        $Error[0].Exception | Should -Not -BeOfType ([System.NullReferenceException])
        $result.Errors[0].Exception | Should -BeOfType ([Baseten.Core.Http.BasetenException])
        $result.Errors[0].ErrorDetails.Message | Should -BeLike "*$([WildcardPattern]::Escape($Says))*"
        $result.ElapsedMs | Should -BeLessThan 5000 -Because 'a bad answer ends the call within its timeout, never hangs it'
        $log = @(Get-EmulatorRequest $emu -Count $Requests)
        $log.Count | Should -Be $Requests
        @($log | Where-Object { $_.Method -eq 'POST' -and -not $_.Fault }).Count | Should -Be 0 -Because 'nothing was created'
        if ($Cmdlet -eq 'New') { Get-EnvironmentCount $name | Should -Be 0 }
    }

    It 'a 200 with a body of the wrong shape for one environment (<Cmdlet>) is InvalidApiResponse, not a blank object' -ForEach @(
        @{ Cmdlet = 'New'; Method = 'POST' }
        @{ Cmdlet = 'Get'; Method = 'GET' }
    ) {
        # {"unexpected": true} has no name, no model id, no created_at: returning it as an environment would hand the
        # script an object of nulls (and a create that may not have happened) as if all was well.
        $name = New-UniqueName 'shape'
        $path = if ($Method -eq 'POST') { $collection } else { "$collection/production" }
        Add-Fault @{ Kind = 'WrongShape' } -Method $Method -Path $path
        $parameters = @{ ModelId = $model.Id; Name = $(if ($Method -eq 'POST') { $name } else { 'production' }); TimeoutSec = 5 }

        $result = Invoke-Observed "$Cmdlet-BasetenEnvironment" $parameters

        $result.Output.Count | Should -Be 0 -Because 'an answer without the environment''s fields is not an environment'
        $result.Errors.Count | Should -Be 1
        Assert-BasetenErrorRecordIsClear $result.Errors -ErrorId "InvalidApiResponse,Baseten.PowerShell.Cmdlets.$($Cmdlet)BasetenEnvironmentCommand"
        $result.Errors[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::InvalidResult)
        $result.Errors[0].ErrorDetails.Message | Should -BeLike '*is not the expected EnvironmentV1: it lacks name, model_id, created_at.'
        Get-LogSummary 1 | Should -Be @("$Method $($path.Replace($collection, '{c}')) 200 WrongShape")
    }
}
