#Requires -Version 7.0
# The API key never shows: not in output objects (as formatted, as JSON, as CLIXML), not in any stream
# (verbose, debug, warning, information, error), not in $Error (messages, ErrorDetails, exceptions, TargetObject),
# not even when the API echoes it back in an error body. Each cmdlet is run on success and failure paths with
# verbose and debug output on. The keys are long and unique, so any appearance is a leak.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'CmdletTestSupport.psm1') -Force
    Import-BasetenTestModule

    $savedState = Save-BasetenTestState
    Clear-BasetenTestState
    $emu = Start-BasetenTestEmulator
    $key = $emu.ApiKey
    $wrongKey = New-BasetenTestKey -Prefix 'btwrong'
    $model = $emu.AddModel('secrets-model')
    $collection = "/v1/models/$($model.Id)/environments"
    $clixml = Join-Path ([System.IO.Path]::GetTempPath()) ("baseten-secrets-{0}.xml" -f [guid]::NewGuid().ToString('N'))

    # Runs $Script with verbose and debug output on (debug through $DebugPreference: -Debug would prompt in a
    # compiled cmdlet) and every stream redirected to the output; returns the output objects, the stream records
    # and the ErrorRecords added to $Error meanwhile. A terminating error inside $Script would reach Pester's own
    # try/catch, so scenarios catch those themselves and output the record.
    # Runs $Script with verbose and debug output on and every stream redirected to the output; returns the output
    # objects, the stream records and the ErrorRecords added to $Error meanwhile. It stays in this file (and its twin
    # in Proxy.Tests.ps1) because preference variables set inside a module function would not reach a script block
    # that belongs to the test file's session state.
    function Invoke-Scenario([scriptblock]$Script) {
        $errorCountBefore = $global:Error.Count
        $records = & {
            $ErrorActionPreference = [System.Management.Automation.ActionPreference]::Continue
            $DebugPreference = [System.Management.Automation.ActionPreference]::Continue
            $VerbosePreference = [System.Management.Automation.ActionPreference]::Continue
            & $Script
        } *>&1
        $added = $global:Error.Count - $errorCountBefore
        $fromErrorVariable = if ($added -gt 0) { @($global:Error[0..($added - 1)]) } else { @() }
        @($records) + $fromErrorVariable
    }


    # Fails when a key, or any 12-character piece of one, appears in $Text (without printing the key).
    function Assert-NoKey([string]$Text, [string]$What) {
        $Text.Length | Should -BeGreaterThan 0 -Because "there must be something to inspect in $What"
        foreach ($secret in $key, $wrongKey) {
            for ($start = 0; $start + 12 -le $secret.Length; $start++) {
                $piece = $secret.Substring($start, 12)
                $at = $Text.IndexOf($piece, [System.StringComparison]::OrdinalIgnoreCase)
                if ($at -ge 0) {
                    $from = [Math]::Max(0, $at - 60)
                    $context = $Text.Substring($from, [Math]::Min(140, $Text.Length - $from)).Replace($secret, '<KEY>')
                    foreach ($other in 0..($secret.Length - 12)) { $context = $context.Replace($secret.Substring($other, 12), '<PART-OF-KEY>') }
                    throw "A piece of an API key appears in $What, near: ...$context..."
                }
            }
        }
    }

    function Get-DebugText([object[]]$Items) {
        ($Items | Where-Object { $_ -is [System.Management.Automation.DebugRecord] } | ForEach-Object Message) -join "`n"
    }

    function Connect-WithTestKey([string]$ApiKey = $key, [int]$TimeoutSec = 100) {
        $null = Connect-Baseten -ApiKey (ConvertTo-TestSecureString $ApiKey) -BaseUri $emu.BaseUri -TimeoutSec $TimeoutSec
    }
}

AfterAll {
    Remove-Item -LiteralPath $clixml -ErrorAction SilentlyContinue
    if ($emu) { $emu.Dispose() }
    Restore-BasetenTestState $savedState
}

Describe 'The API key never appears' -Tag 'Integration' {
    BeforeEach {
        Reset-EmulatorLog $emu
        Clear-BasetenTestState
    }

    It 'in what Connect-Baseten, Get-BasetenContext and Disconnect-Baseten produce (session context)' {
        $items = Invoke-Scenario {
            Connect-Baseten -ApiKey (ConvertTo-TestSecureString $key) -BaseUri $emu.BaseUri -Verbose
            Connect-Baseten -Credential ([pscredential]::new('baseten', (ConvertTo-TestSecureString $key))) -BaseUri $emu.BaseUri -Verbose
            Get-BasetenContext -Verbose
            Disconnect-Baseten -PassThru -Verbose
            Disconnect-Baseten -PassThru -Verbose
        }
        @($items | Where-Object { $_ -is [Baseten.PowerShell.BasetenContext] }).Count | Should -Be 4

        $text = ConvertTo-InspectedText $items
        $text | Should -BeLike "*$($emu.BaseUri)*"
        Assert-NoKey $text 'the session context output'
    }

    It 'in the context built from BASETEN_API_KEY (Format-List *, ConvertTo-Json, Export-Clixml)' {
        $env:BASETEN_API_KEY = $key
        $env:BASETEN_API_URL = $emu.BaseUri.ToString()
        try {
            $context = Get-BasetenContext
            $context.Source | Should -BeExactly 'Environment'

            $views = @(
                ($context | Format-List * | Out-String)
                ($context | Format-List * -Force | Out-String)
                ($context | Format-Table | Out-String)
                ($context | ConvertTo-Json -Depth 5)
                ($context | Select-Object * | Out-String)
                ($context.PSObject.Properties | ForEach-Object { '{0}={1}' -f $_.Name, $_.Value }) -join ';'
                $context.ToString()
            )
            Export-Clixml -LiteralPath $clixml -InputObject $context -Depth 5
            $views += Get-Content -LiteralPath $clixml -Raw
            $views += (Import-Clixml -LiteralPath $clixml | Format-List * | Out-String)

            $text = $views -join "`n"
            $text | Should -BeLike '*Environment*'
            $text | Should -BeLike '*ApiKey*'
            Assert-NoKey $text 'the environment context'
        }
        finally {
            Clear-BasetenTestState
        }
    }

    It 'when creating and getting environments, in output, verbose and debug; debug shows <redacted> and the body' {
        Connect-WithTestKey
        $items = Invoke-Scenario {
            New-BasetenEnvironment -ModelId $model.Id -Name 'secret-check' -AutoscalingSettings @{ min_replica = 1; max_replica = 3 } -Verbose
            Get-BasetenEnvironment -ModelId $model.Id -Verbose
            Get-BasetenEnvironment -ModelId $model.Id -Name 'secret-check', 'sec*' -Verbose
            Get-BasetenContext -Verbose
        }
        @($items | Where-Object { $_ -is [Baseten.Core.Models.EnvironmentV1] }).Count | Should -BeGreaterOrEqual 4
        @($items | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Count | Should -BeGreaterOrEqual 4

        $debug = Get-DebugText $items
        $debug | Should -BeLike '*HTTP request: POST*'
        $debug | Should -BeLike '*Authorization: Api-Key <redacted>*'
        $debug | Should -BeLike '*Body: {"name":"secret-check","autoscaling_settings":{"min_replica":1,"max_replica":3}}*'
        $debug | Should -BeLike '*HTTP response: 200*'

        Assert-NoKey (ConvertTo-InspectedText $items) 'the create/get output and streams'
    }

    It 'when the API answers 401 with a body that echoes the key' {
        Connect-WithTestKey
        $echo = @{ error = "Invalid API key: $key"; api_key = $key; detail = "Api-Key $key was rejected" } | ConvertTo-Json -Compress
        $emu.InjectFault('*', '*', 401, $echo, 10)
        $items = Invoke-Scenario {
            New-BasetenEnvironment -ModelId $model.Id -Name 'echo-401' -Verbose
            Get-BasetenEnvironment -ModelId $model.Id -Verbose
            Get-BasetenEnvironment -ModelId $model.Id -Name production -Verbose
        }
        $errors = @($items | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $errors.Count | Should -BeGreaterOrEqual 3
        $errors | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'AuthenticationFailed,*' }
        $errors[0].ErrorDetails.Message | Should -BeLike '*<redacted>*'
        $errors[0].Exception.ResponseBody | Should -BeLike '*<redacted>*'
        (Get-DebugText $items) | Should -BeLike '*HTTP response: 401*<redacted>*'

        Assert-NoKey (ConvertTo-InspectedText $items) 'the 401 errors and streams'
    }

    It 'when the API answers 401 with a plain-text body that echoes the key' {
        Connect-WithTestKey
        $emu.InjectFault('*', '*', 401, "Unauthorized: Authorization: Api-Key $key", 10)
        $items = Invoke-Scenario { Get-BasetenEnvironment -ModelId $model.Id -Verbose }
        $errors = @($items | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'AuthenticationFailed,*'
        $errors[0].ErrorDetails.Message | Should -BeLike '*<redacted>*'
        Assert-NoKey (ConvertTo-InspectedText $items) 'the plain-text 401 error'
    }

    It 'when a wrong key is used and the API echoes it' {
        Connect-WithTestKey -ApiKey $wrongKey
        $emu.InjectFault('*', '*', 401, (@{ error = "Unknown key $wrongKey" } | ConvertTo-Json -Compress), 10)
        $items = Invoke-Scenario {
            Get-BasetenEnvironment -ModelId $model.Id -Verbose
            New-BasetenEnvironment -ModelId $model.Id -Name 'wrong-key' -Verbose
            Get-BasetenContext -Verbose
        }
        @($items | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }).Count | Should -BeGreaterOrEqual 2
        Assert-NoKey (ConvertTo-InspectedText $items) 'the wrong-key errors'

        # And without an echo, the emulator's own 401.
        Reset-EmulatorLog $emu
        $items = Invoke-Scenario { Get-BasetenEnvironment -ModelId $model.Id -Verbose }
        @($items | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })[0].FullyQualifiedErrorId | Should -BeLike 'AuthenticationFailed,*'
        Assert-NoKey (ConvertTo-InspectedText $items) 'the real 401'
    }

    It 'when the API answers 422 with a validation body that echoes the key' {
        Connect-WithTestKey
        $body = '{"detail":[{"loc":["body","name"],"msg":"bad value ' + $key + '","type":"value_error","input":"' + $key + '"}]}'
        $emu.InjectFault('POST', $collection, 422, $body, 10)
        $items = Invoke-Scenario {
            New-BasetenEnvironment -ModelId $model.Id -Name 'echo-422' -AutoscalingSettings @{ max_replica = 2 } -Verbose
        }
        $errors = @($items | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $errors.Count | Should -BeGreaterOrEqual 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'ApiRequestRejected,*'
        $errors[0].ErrorDetails.Message | Should -BeLike 'name: bad value <redacted>*'
        (Get-DebugText $items) | Should -BeLike '*Body: {"name":"echo-422","autoscaling_settings":{"max_replica":2}}*'

        Assert-NoKey (ConvertTo-InspectedText $items) 'the 422 error'
    }

    It 'when a 200 answer is malformed JSON that contains the key' {
        Connect-WithTestKey
        $emu.InjectFault('GET', $collection, 200, ('{"environments": 5, "note": "' + $key + '"}'), 1)
        $emu.InjectFault('POST', $collection, 200, ('{"name": 5, "token": "' + $key + '"}'), 1)
        $items = Invoke-Scenario {
            Get-BasetenEnvironment -ModelId $model.Id -Verbose
            New-BasetenEnvironment -ModelId $model.Id -Name 'malformed' -Verbose
        }
        $errors = @($items | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $errors.Count | Should -BeGreaterOrEqual 2
        $errors | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'InvalidApiResponse,*' }
        Assert-NoKey (ConvertTo-InspectedText $items) 'the invalid-response errors'
    }

    # System.Text.Json's message for a body that starts like a JSON literal ("not json ...") quotes the body, key
    # included; the module redacts it and keeps the parser's exception out of the record (a regression guard).
    It 'when a 200 answer is not JSON and contains the key' {
        Connect-WithTestKey
        $emu.InjectFault('POST', $collection, 200, ('not json ' + $key), 1)
        $items = Invoke-Scenario { New-BasetenEnvironment -ModelId $model.Id -Name 'not-json' -Verbose }
        @($items | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })[0].FullyQualifiedErrorId | Should -BeLike 'InvalidApiResponse,*'
        Assert-NoKey (ConvertTo-InspectedText $items) 'the invalid-response error for a non-JSON body'
    }

    It 'when a request times out' {
        Connect-WithTestKey -TimeoutSec 1
        $emu.InjectFault('*', $collection, 0, $null, 2, 2500)
        try {
            $items = Invoke-Scenario {
                Get-BasetenEnvironment -ModelId $model.Id -Verbose
                New-BasetenEnvironment -ModelId $model.Id -Name 'timeout' -AutoscalingSettings @{ min_replica = 0 } -Verbose
            }
            $errors = @($items | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
            $errors.Count | Should -BeGreaterOrEqual 2
            $errors | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'RequestTimedOut,*' }
            (Get-DebugText $items) | Should -BeLike '*Authorization: Api-Key <redacted>*'
            Assert-NoKey (ConvertTo-InspectedText $items) 'the timeout errors'
        }
        finally {
            Wait-EmulatorIdle $emu -Count 2
        }
    }

    It 'when the base URI is refused or the network fails' {
        $port = Get-ClosedLoopbackPort
        $items = Invoke-Scenario {
            try { Connect-Baseten -ApiKey (ConvertTo-TestSecureString $key) -BaseUri 'http://example.com' -Verbose } catch { $_ }
            Connect-Baseten -ApiKey (ConvertTo-TestSecureString $key) -BaseUri "http://127.0.0.1:$port/" -Verbose
            Get-BasetenEnvironment -ModelId $model.Id -Verbose
            New-BasetenEnvironment -ModelId $model.Id -Name 'unreachable' -Verbose
        }
        $ids = @($items | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | ForEach-Object FullyQualifiedErrorId)
        $ids | Should -Contain 'InsecureBaseUri,Baseten.PowerShell.Cmdlets.ConnectBasetenCommand'
        ($ids -like 'ApiUnreachable,*').Count | Should -BeGreaterOrEqual 2
        Assert-NoKey (ConvertTo-InspectedText $items) 'the connection errors'
    }

    It 'when signed in nowhere (NotConnected)' {
        $items = Invoke-Scenario {
            try { New-BasetenEnvironment -ModelId $model.Id -Name 'nowhere' -Verbose } catch { $_ }
            try { Get-BasetenEnvironment -ModelId $model.Id -Verbose } catch { $_ }
        }
        @($items | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] -and $_.FullyQualifiedErrorId -like 'NotConnected,*' }).Count |
            Should -BeGreaterOrEqual 2
        Assert-NoKey (ConvertTo-InspectedText $items) 'the not-connected errors'
    }

    It 'in the emulator''s request log either (the client sends the key only in the Authorization header)' {
        Connect-WithTestKey
        $null = Get-BasetenEnvironment -ModelId $model.Id
        $log = @(Get-EmulatorRequest $emu -Count 1)
        $log[0].AuthorizationScheme | Should -BeExactly 'Api-Key'
        $text = ($log | ForEach-Object { $_.Method, $_.Path, $_.Query, $_.Body, $_.UserAgent, $_.ContentType } | Out-String)
        Assert-NoKey $text 'the requests the module sent (outside the Authorization header)'
    }

    # `$DebugPreference = 'Continue'` in a function or script block is a local String, which PowerShell honours
    # (Write-Debug does); the module must too (a regression guard).
    It 'writes debug lines when $DebugPreference is set locally as the string ''Continue''' {
        Connect-WithTestKey
        $records = & {
            $DebugPreference = 'Continue'
            Get-BasetenEnvironment -ModelId $model.Id 5>&1
        }
        $debug = Get-DebugText @($records)
        $debug | Should -BeLike '*Authorization: Api-Key <redacted>*'
    }
}
