// Compiled by NinjaTrader 8.1+ (C# 7.3); checked in CI against ninjatrader-addon/NinjaScript.Facade.
#region Using declarations
using System;
using System.Windows;
using System.Windows.Controls;
using NinjaTrader.Gui.Tools;
#endregion

namespace NinjaTrader.NinjaScript.AddOns.EnigmaApexBridge
{
    /// <summary>
    /// The Enigma-Apex AddOn: starts the engine link when the Control Center opens, adds
    /// "Enigma-Apex" to the Control Center's New menu, and stops the link when NinjaTrader
    /// terminates the AddOn (on exit and before every NinjaScript compile). Idempotent: each
    /// instance acquires the host at most once and releases it at most once. Releasing does not wait
    /// for the link to close, so a compile or exit is never held up. No exception leaves a callback.
    /// </summary>
    public class EnigmaApexAddOn : NinjaTrader.NinjaScript.AddOnBase
    {
        private NTMenuItem _menuItem;
        private NTMenuItem _newMenu;
        private bool _acquired;

        protected override void OnStateChange()
        {
            if (State == State.SetDefaults)
            {
                Name = "Enigma-Apex";
                Description = "Streams NinjaTrader data and Enigma signals to the Enigma-Apex engine and executes its orders.";
            }
            else if (State == State.Terminated)
            {
                if (!_acquired) return;
                _acquired = false;
                try { EnigmaApexHost.Release(); }
                catch (Exception e) { NinjaTrader.Code.Output.Process("Enigma-Apex: stopping failed: " + e.Message, PrintTo.OutputTab1); }
            }
        }

        protected override void OnWindowCreated(Window window)
        {
            try { AddMenu(window); }
            catch (Exception e) { NinjaTrader.Code.Output.Process("Enigma-Apex: " + e.Message, PrintTo.OutputTab1); }
        }

        private void AddMenu(Window window)
        {
            var controlCenter = window as NinjaTrader.Gui.ControlCenter;
            if (controlCenter == null) return;

            if (!_acquired)
            {
                _acquired = true;
                EnigmaApexHost.Acquire();
            }

            _newMenu = controlCenter.FindFirst("ControlCenterMenuItemNew") as NTMenuItem;
            if (_newMenu == null || _menuItem != null) return;
            _menuItem = new NTMenuItem { Header = "Enigma-Apex", Style = Application.Current.TryFindResource("MainMenuItem") as Style };
            _menuItem.Click += OnMenuItemClick;
            _newMenu.Items.Add(_menuItem);
        }

        protected override void OnWindowDestroyed(Window window)
        {
            try { RemoveMenu(window); }
            catch (Exception e) { NinjaTrader.Code.Output.Process("Enigma-Apex: " + e.Message, PrintTo.OutputTab1); }
        }

        private void RemoveMenu(Window window)
        {
            if (!(window is NinjaTrader.Gui.ControlCenter) || _menuItem == null) return;
            _menuItem.Click -= OnMenuItemClick;
            if (_newMenu != null && _newMenu.Items.Contains(_menuItem)) _newMenu.Items.Remove(_menuItem);
            _menuItem = null;
            _newMenu = null;
        }

        private void OnMenuItemClick(object sender, RoutedEventArgs e)
        {
            NinjaTrader.Core.Globals.RandomDispatcher.InvokeAsync(() =>
            {
                try { new EnigmaApexWindow().Show(); }
                catch (Exception x) { NinjaTrader.Code.Output.Process("Enigma-Apex: the window failed to open: " + x.Message, PrintTo.OutputTab1); }
            });
        }
    }
}
