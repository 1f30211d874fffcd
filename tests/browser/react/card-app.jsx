// The Card Element through Stripe's React library, as its docs wrote card payments:
// <Elements> without options, <CardElement>, useStripe/useElements,
// elements.getElement(CardElement) and stripe.confirmCardPayment, and an ElementsConsumer.
import React, { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { loadStripe } from '@stripe/stripe-js';
import { CardElement, Elements, ElementsConsumer, useElements, useStripe } from '@stripe/react-stripe-js';

const stripePromise = loadStripe(window.PUBLISHABLE_KEY);

const CARD_OPTIONS = {
  style: { base: { fontSize: '16px', color: '#424770', '::placeholder': { color: '#aab7c4' } }, invalid: { color: '#9e2146' } },
};

function CheckoutForm() {
  const stripe = useStripe();
  const elements = useElements();
  const [message, setMessage] = useState('');
  const [brand, setBrand] = useState('');

  const handleSubmit = async (event) => {
    event.preventDefault();
    if (!stripe || !elements) return;
    const response = await fetch('/create-intent', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ amount: 2000, currency: 'usd' }),
    });
    const { clientSecret } = await response.json();
    const result = await stripe.confirmCardPayment(clientSecret, {
      payment_method: {
        card: elements.getElement(CardElement),
        billing_details: { name: 'Jenny Rosen' },
      },
    });
    setMessage(result.error ? result.error.message : `Payment ${result.paymentIntent.status}`);
  };

  return (
    <form onSubmit={handleSubmit}>
      <CardElement id="card-element" options={CARD_OPTIONS} onChange={(e) => setBrand(e.brand)} />
      <p id="brand">{brand}</p>
      <button id="pay" type="submit" disabled={!stripe}>Pay</button>
      <p id="message">{message}</p>
    </form>
  );
}

function App() {
  return (
    <Elements stripe={stripePromise}>
      <ElementsConsumer>
        {({ stripe, elements }) => <p id="consumer">{stripe && elements ? 'ready' : 'loading'}</p>}
      </ElementsConsumer>
      <CheckoutForm />
    </Elements>
  );
}

createRoot(document.getElementById('root')).render(<App />);
