// The React version of Stripe's "Finalize payments on the server" guide, as Stripe's React
// documentation writes it: loadStripe, <Elements> with mode/amount/currency/appearance,
// <PaymentElement>, useStripe and useElements, elements.submit(), createConfirmationToken,
// the server's confirmation, and handleNextAction. Bundled by the test with esbuild; the
// page loads Tender's script before it (the only difference from a Stripe integration).
// A quantity picker changes the amount through React state, as a cart would.
import React, { useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { loadStripe } from '@stripe/stripe-js';
import { Elements, PaymentElement, useElements, useStripe } from '@stripe/react-stripe-js';

// Make sure to call `loadStripe` outside of a component's render to avoid
// recreating the `Stripe` object on every render.
const stripePromise = loadStripe(window.PUBLISHABLE_KEY);

function CheckoutForm({ quantity }) {
  const stripe = useStripe();
  const elements = useElements();

  const [errorMessage, setErrorMessage] = useState();
  const [succeeded, setSucceeded] = useState(false);
  const [loading, setLoading] = useState(false);

  const handleError = (error) => {
    setLoading(false);
    setErrorMessage(error.message);
  };

  const handleServerResponse = async (response) => {
    if (response.error) {
      // Show error from server on payment form
      handleError(response.error);
    } else if (response.status === 'requires_action') {
      // Use Stripe.js to handle the required next action
      const { error } = await stripe.handleNextAction({
        clientSecret: response.clientSecret,
      });

      if (error) {
        // Show error from Stripe.js in payment form
        handleError(error);
      } else {
        // Actions handled, show success message
        setSucceeded(true);
      }
    } else {
      // No actions needed, show success message
      setSucceeded(true);
    }
  };

  const handleSubmit = async (event) => {
    // We don't want to let default form submission happen here,
    // which would refresh the page.
    event.preventDefault();

    if (!stripe) {
      // Stripe.js hasn't yet loaded.
      // Make sure to disable form submission until Stripe.js has loaded.
      return;
    }

    setLoading(true);
    setErrorMessage(undefined);

    // Trigger form validation and wallet collection
    const { error: submitError } = await elements.submit();
    if (submitError) {
      handleError(submitError);
      return;
    }

    // Create the ConfirmationToken using the details collected by the Payment Element
    const { error, confirmationToken } = await stripe.createConfirmationToken({
      elements,
      params: {
        shipping: {
          name: 'Jenny Rosen',
          address: { line1: '1 Main St', city: 'San Francisco', postal_code: '94111', country: 'US' },
        },
      },
    });

    if (error) {
      // This point is only reached if there's an immediate error when
      // creating the ConfirmationToken. Show the error to your customer (for example, payment details incomplete)
      handleError(error);
      return;
    }

    // Create the PaymentIntent
    const res = await fetch('/create-confirm-intent', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ confirmationTokenId: confirmationToken.id, quantity }),
    });

    const data = await res.json();

    // Handle any next actions or errors. See the Handle any next actions step for implementation.
    await handleServerResponse(data);
    setLoading(false);
  };

  if (succeeded) return <p id="payment-status">Payment succeeded</p>;
  return (
    <form onSubmit={handleSubmit}>
      <PaymentElement />
      <button id="submit" type="submit" disabled={!stripe || loading}>
        Submit Payment
      </button>
      {errorMessage && <div id="error-message">{errorMessage}</div>}
    </form>
  );
}

function App() {
  const [quantity, setQuantity] = useState(1);
  const options = useMemo(() => ({
    mode: 'payment',
    amount: 1099 * quantity,
    currency: 'usd',
    // Fully customizable with appearance API.
    appearance: { theme: 'flat', variables: { colorPrimary: '#0a7d5a' } },
  }), [quantity]);

  return (
    <>
      <label>
        Quantity{' '}
        <select id="quantity" value={quantity} onChange={(e) => setQuantity(Number(e.target.value))}>
          {[1, 2, 3].map((n) => <option key={n} value={n}>{n}</option>)}
        </select>
      </label>
      <p id="total">Total: ${(10.99 * quantity).toFixed(2)}</p>
      <Elements stripe={stripePromise} options={options}>
        <CheckoutForm quantity={quantity} />
      </Elements>
    </>
  );
}

createRoot(document.getElementById('root')).render(<React.StrictMode><App /></React.StrictMode>);
